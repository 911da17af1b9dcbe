// The dispatcher: picks the command, parses its options, runs it, and turns
// every failure into one line on stderr and a non-zero exit status. Error messages echo names
// from the user and the OS (a segment's name, a room's), so they are printed through `visible`.
import { parseArgs } from 'node:util';
import { errorCode } from '../errors';
import { visible } from '../format/terminal';
import { UsageError, type Command, type Invocation, type Output } from './command';
import { commands } from './commands';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
  return `Usage: shmscope <command> [options]

See and talk through Linux shared memory (System V and POSIX).

Commands:
${list}

References: sysv:ID, key:0xHEX (or decimal), posix:NAME (leading slash optional).
In NAME, \\\\ is a backslash and \\xHH one byte, as "shmscope ls" spells names that are not UTF-8.
Run "shmscope <command> --help" for a command's options.
`;
}

function parse(command: Command, argv: string[]): Invocation {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { options: values as Invocation['options'], positionals };
  } catch (error) {
    // parseArgs explains unknown options and missing values well; keep its words, drop its hints.
    const message = error instanceof Error ? error.message.split('. To specify')[0]! : String(error);
    throw new UsageError(message);
  }
}

/** Runs `shmscope ARGV...`; resolves to the exit status. */
export async function runCli(argv: string[], output: Output): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    await output.out(overview());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    output.err(`shmscope: unknown command "${visible(name)}" (run "shmscope --help" for the list)\n`);
    return EXIT_USAGE;
  }
  try {
    const invocation = parse(command, rest);
    if (invocation.options.help === true) {
      await output.out(command.help);
      return 0;
    }
    return await command.run(invocation, output);
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(`shmscope ${command.name}: ${visible(error.message)} (see "shmscope ${command.name} --help")\n`);
      return EXIT_USAGE;
    }
    output.err(`shmscope ${command.name}: ${visible(describe(error))}\n`);
    return command.failureStatus ?? EXIT_FAILURE;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Errors from the addon and from our own checks already name the segment and carry the code.
  const code = errorCode(error);
  if (code === undefined || error.message.includes(`(${code})`)) return error.message;
  return `${error.message} (${code})`;
}
