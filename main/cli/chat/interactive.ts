// `shmscope chat ROOM`: a terminal chat. Incoming lines are printed above the prompt
// without disturbing what the user is typing.
import { clearLine, createInterface, cursorTo } from 'node:readline';
import { visible } from '../../format/terminal';
import type { ChannelMissed } from '../../native';
import { messageLine, missedLine, presenceChanges, whoLines } from './format';
import type { ChatSession } from './session';

const RECENT_HISTORY = 20;

export function interactive(session: ChatSession, prompt: string): Promise<number> {
  const terminal = createInterface({ input: process.stdin, output: process.stdout, prompt, terminal: process.stdin.isTTY });
  // Piped input closes the interface at EOF while sends it queued are still running.
  let inputClosed = false;
  terminal.once('close', () => { inputClosed = true; });
  const show = (text: string) => {
    if (process.stdout.isTTY) {
      clearLine(process.stdout, 0);
      cursorTo(process.stdout, 0);
    }
    process.stdout.write(`${text}\n`);
    if (!inputClosed) terminal.prompt(true);
  };

  let present = session.participants();
  process.stdout.write(`${session.intro()}\n`);
  // A late joiner first sees what was said before it came (the newest part of it).
  const earlier = session.history();
  if (earlier.length > RECENT_HISTORY) process.stdout.write(`-- ${earlier.length - RECENT_HISTORY} earlier messages: /history shows them --\n`);
  for (const message of earlier.slice(-RECENT_HISTORY)) process.stdout.write(`${messageLine(message)}\n`);
  session.listen({
    message: (message) => show(messageLine(message)),
    missed: (missed: ChannelMissed) => show(missedLine(missed)),
    presence: (participants) => {
      for (const line of presenceChanges(present, participants)) show(line);
      present = participants;
    },
    ended: () => { show('-- the other side ended the conversation --'); terminal.close(); },
  });
  terminal.prompt();

  return new Promise((resolve) => {
    let queue = Promise.resolve();
    let over = false;
    terminal.on('line', (line) => {
      const text = line.trimEnd();
      queue = queue.then(async () => {
        if (over) return;  // lines typed after the conversation ended go nowhere
        if (text === '/quit') { terminal.close(); return; }
        if (text === '/who' && session.roomCommands) show(whoLines(session.participants()));
        else if (text === '/history' && session.roomCommands) show(session.history().map((m) => messageLine(m)).join('\n') || '-- the ring holds no messages --');
        else if (text.startsWith('/')) show(session.help);
        else if (text === '') { if (!inputClosed) terminal.prompt(); }
        else {
          const sent = await session.send(text).then(() => true, (error: Error) => { show(`-- not sent: ${visible(error.message)}`); return false; });
          if (sent && session.ends(text)) { over = true; show('-- you ended the conversation --'); terminal.close(); }
        }
      });
    });
    terminal.on('SIGINT', () => terminal.close());
    terminal.on('close', () => {
      void queue.then(() => {
        session.close();
        resolve(0);
      });
    });
  });
}
