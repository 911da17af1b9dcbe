// What every `shmscope <command>` is: its help text, its options (as node:util parseArgs
// takes them) and a run function. Commands are data, so the
// dispatcher, `--help` and the command list come from one table.
import type { ParseArgsConfig } from 'node:util';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Invocation {
  /** Option values by long name (a list for options declared `multiple`). */
  options: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface Output {
  /** Writes to stdout, honouring back-pressure. */
  out(text: string): Promise<void>;
  err(text: string): void;
}

/** A command's module (its name and summary are in commands/index.ts, loaded without it). */
export interface Command {
  /** The full `shmscope <name> --help` text, usage line first. */
  help: string;
  options: OptionSpec;
  /** Exit status when the command fails (default 1); diff uses 2, as diff(1) and cmp(1) do. */
  failureStatus?: number;
  /** Resolves to the exit status. */
  run(invocation: Invocation, output: Output): Promise<number>;
}

/** Wrong use of a command: exit status 2 and a pointer to --help. */
export class UsageError extends Error {
  override name = 'UsageError';
}
