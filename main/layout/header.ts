// Reading the user's header and picking the type they named. Errors name the file (or the type
// and the ones there are) and carry an errno-style code; parse errors say file:line:column.
import { readFileSync, statSync } from 'node:fs';
import { findType, MAX_SOURCE_CHARS, parseDeclarations, recordTypes, type Declarations, type NamedType } from '../../common/layout';
import { errorCode, ShmscopeError } from '../errors';

export function readDeclarations(path: string): Declarations {
  let source: string;
  try {
    // A FIFO or a device would block or never end: only regular files are read.
    if (!statSync(path).isFile()) throw new ShmscopeError(path, 'not a regular file', 'EINVAL');
    if (statSync(path).size > MAX_SOURCE_CHARS) throw new ShmscopeError(path, `larger than ${MAX_SOURCE_CHARS} bytes; give only the declarations`, 'EFBIG');
    source = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof ShmscopeError) throw error;
    throw new ShmscopeError(path, 'cannot read the declarations', errorCode(error) ?? 'EIO');
  }
  return parseDeclarations(source, path);
}

/** The type called `name`; without a name, the only struct or union there is. */
export function pickType(declarations: Declarations, file: string, name: string | undefined): NamedType {
  const records = recordTypes(declarations);
  const known = () => (records.length === 0 ? 'it declares no struct or union' : `it declares ${records.map((t) => t.name).join(', ')}`);
  if (name === undefined) {
    if (records.length === 1) return records[0]!;
    throw new ShmscopeError(file, `--type is needed: ${known()}`, 'EINVAL');
  }
  const found = findType(declarations, name);
  if (found === undefined) throw new ShmscopeError(file, `no type named "${name}": ${known()}`, 'ENOENT');
  return found;
}
