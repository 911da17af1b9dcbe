// Entry point of the `shmscope` command.
import { runCli } from './cli/run';
import type { Output } from './cli/command';

const output: Output = {
  out: (text) =>
    new Promise((resolve) => {
      if (process.stdout.write(text)) resolve();
      else process.stdout.once('drain', resolve);
    }),
  err: (text) => { process.stderr.write(text); },
};

// A reader that goes away (`shmscope dump ... | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), output);
