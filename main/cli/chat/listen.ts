// `shmscope chat ROOM --listen`: print messages as they arrive, for scripts.
import type { Output } from '../command';
import { jsonLine, messageLine, missedLine } from './format';
import type { ChatSession } from './session';

export interface ListenOptions {
  count?: number;
  timeoutSeconds?: number;
  json: boolean;
}

/** Resolves to the exit status: 0, or 1 when --count messages did not arrive in time. */
export function listen(session: ChatSession, options: ListenOptions, output: Output): Promise<number> {
  return new Promise((resolve) => {
    let received = 0;
    let printing = Promise.resolve();
    let done = false;
    const print = (line: string) => { printing = printing.then(() => output.out(`${line}\n`)); };
    const finish = (status: number) => {
      if (done) return;
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      process.off('SIGINT', interrupted);
      process.off('SIGTERM', interrupted);
      session.close();
      void printing.then(() => resolve(status));
    };
    const satisfied = () => (options.count === undefined || received >= options.count ? 0 : 1);
    const interrupted = () => finish(satisfied());
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    const timer = options.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
        if (options.count !== undefined) output.err(`shmscope chat: timed out after ${options.timeoutSeconds} s with ${received} of ${options.count} messages\n`);
        finish(satisfied());
      }, options.timeoutSeconds * 1000);

    session.listen({
      message(message) {
        if (done) return;
        print(options.json ? jsonLine(message) : messageLine(message));
        received++;
        if (options.count !== undefined && received >= options.count) finish(0);
      },
      missed(missed) {
        print(options.json ? JSON.stringify({ missed: missed.missed, reason: missed.reason }) : missedLine(missed));
      },
      presence() {},
      ended() { finish(satisfied()); },
    });
  });
}
