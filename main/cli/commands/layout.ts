import { recordTypes } from '../../../common/layout';
import { safeJson } from '../../format/terminal';
import { pickType, readDeclarations } from '../../layout/header';
import { layoutJson, layoutText } from '../../layout/table';
import type { Command } from '../command';
import { flag, onePositional, stringOption } from '../values';

export const layout: Command = {
  help: `Usage: shmscope layout FILE.h [--type NAME] [--json]

Reads C declarations (struct, union, enum, typedef, #define constants, bit-fields,
__attribute__((packed)) and aligned(N)) and prints where every member lies, as gcc
lays it out on x86-64: offset, size and type of each member, nested members
indented, and the holes and trailing padding between them. Without --type, every
struct and union in the file is printed.

Options:
  --type NAME  the type: a typedef name, "struct NAME", or a tag alone
  --json       {"type","size","align","fields":[{"path","offset","size","type"}],"holes":[...]}
               (without --type: {"types":[...]})
  -h, --help
`,
  options: { type: { type: 'string' }, json: { type: 'boolean' } },
  async run(invocation, output) {
    const file = onePositional(invocation, 'header file');
    const declarations = readDeclarations(file);
    const name = stringOption(invocation, 'type');
    const types = name === undefined ? recordTypes(declarations) : [pickType(declarations, file, name)];
    if (flag(invocation, 'json')) {
      const json = types.map(layoutJson);
      await output.out(`${safeJson(name === undefined ? { types: json } : json[0], 2)}\n`);
    } else {
      await output.out(types.length === 0 ? `${file}: no struct or union declared\n` : types.map(layoutText).join('\n'));
    }
    return 0;
  },
};
