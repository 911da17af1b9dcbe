// The dispatcher: picks the command, parses its options, runs it, and turns
// every failure into one line on stderr and a non-zero exit status. Error messages echo names
// from the user and the OS (a segment's name, a room's), so they are printed through `visible`.
import { parseArgs } from 'node:util';
import { errorCode } from '../errors';
import { walkMode } from '../scan/walk-mode';
import { visible } from '../format/terminal';
import { version } from '../../package.json';
import { UsageError, type Command, type Invocation, type Output } from './command';
import { commands } from './commands';

const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const list = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n');
  return `Usage: shmscope <command> [options]

See and talk through Linux shared memory (System V, POSIX, memfd, shared anonymous).

Commands:
${list}

References: sysv:ID, key:0xHEX (or decimal), posix:NAME (leading slash optional),
room:NAME (a chat room's segment), and memfd:, anon:, posix-deleted:, ipcns: as ls lists them.
In NAME, \\\\ is a backslash and \\xHH one byte, as "shmscope ls" spells names that are not UTF-8.
Run "shmscope <command> --help" for a command's options, "shmscope --version" for the version.
`;
}

/** "--offset -5" as "--offset=-5": parseArgs takes a value that starts with "-" for an option
 *  and calls it ambiguous; given as a value, the command's own check says "must be ≥ 0". */
function negativeValuesJoined(command: Command, argv: string[]): string[] {
  const takesValue = (arg: string) => {
    const long = arg.startsWith('--') ? command.options[arg.slice(2)] : undefined;
    const short = /^-[^-]$/.test(arg) ? Object.values(command.options).find((spec) => spec.short === arg[1]) : undefined;
    return (long ?? short)?.type === 'string';
  };
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (next !== undefined && /^-[0-9.]/.test(next) && takesValue(arg)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

function parse(command: Command, argv: string[]): Invocation {
  try {
    const { values, positionals } = parseArgs({
      args: negativeValuesJoined(command, argv),
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
  if (name === '--version' || name === '-V') {
    await output.out(`shmscope ${version}\n`);
    return 0;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (entry === undefined) {
    output.err(`shmscope: unknown command "${visible(name)}" (run "shmscope --help" for the list)\n`);
    return EXIT_USAGE;
  }
  // A one-shot scans once: walking /proc on this thread (reads bounded by the addon) is cheaper than
  // starting the walker thread; `serve` scans every second and keeps the worker (walk-mode.ts).
  walkMode.inline = entry.longRunning !== true;
  const command = { name: entry.name, ...(await entry.load()) };
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
  // Node's own out-of-range errors say ERR_OUT_OF_RANGE; shmscope has one code for it: ERANGE.
  const code = errorCode(error) === 'ERR_OUT_OF_RANGE' ? 'ERANGE' : errorCode(error);
  if (code === undefined || error.message.includes(`(${code})`)) return error.message;
  return `${error.message} (${code})`;
}
