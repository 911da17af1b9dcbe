// Names, process names, nicks and messages from other users, rendered by the UI: a bidi override
// must not reorder what follows (`adv-bidi-\u202Etxt.exe` would read "adv-bidi-exe.txt") and a
// control must not vanish; both are shown in the one visible form (common/visible.ts).
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import ChatRoom from '../../renderer/components/ChatRoom.svelte';
import SegmentDetails from '../../renderer/components/SegmentDetails.svelte';
import SegmentsTable from '../../renderer/components/SegmentsTable.svelte';
import { addMessages, joinedRoom } from '../../renderer/lib/chat';
import type { Attacher } from '../../renderer/lib/contract';
import { mergeScan } from '../../renderer/lib/segments';
import { posixRow } from './fixtures';

/** Controls (other than LF), DEL, C1 and bidi characters: none may reach the page's text. */
const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/u;

const NAME = 'adv-bidi-\u202Etxt.exe';
const COMMAND = '\u001b]2;pwn\u0007\u2066';
const attacher: Attacher = { pid: 77, command: COMMAND, uid: 65534, user: 'no\u200Fbody', access: 'rw', start: '0x1000', end: '0x2000', mappings: [{ start: '0x1000', end: '0x2000', access: 'rw' }] };
const row = posixRow(NAME, { owner: 'ev\u202Eil', attachers: [attacher] });

let target: HTMLElement;
let component: ReturnType<typeof mount> | undefined;

beforeEach(() => {
  target = document.createElement('div');
  document.body.append(target);
});
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  target.remove();
});

const text = (selector: string): string => target.querySelector(selector)!.textContent ?? '';

describe('hostile names in the UI', () => {
  test('the segment table shows a bidi name and owner visibly', () => {
    component = mount(SegmentsTable, { target, props: { rows: mergeScan([], [row], 0, { initial: true }), selected: null, onselect: () => {} } });
    flushSync();
    expect(text('[data-column="name"]')).toBe('/adv-bidi-<U+202E>txt.exe');
    expect(text('[data-column="owner"]')).toBe('ev<U+202E>il');
    expect(text('[data-testid="segments-table"]')).not.toMatch(RAW);
  });

  test('details and attachers show name, command and user visibly', () => {
    component = mount(SegmentDetails, { target, props: { row } });
    flushSync();
    expect(text('[data-field="Name"]')).toBe('/adv-bidi-<U+202E>txt.exe');
    const cells = [...target.querySelectorAll('[data-testid="attacher-row"] td')].map((td) => td.textContent);
    expect(cells).toContain('\\e]2;pwn\\x07<U+2066>');
    expect(cells).toContain('no<U+200F>body');
    expect(text('[data-testid="segment-details"]')).not.toMatch(RAW);
  });

  test('chat shows nicks and messages visibly, keeping a message\'s own line breaks', () => {
    const nick = '\u001b[6n\u202E';
    let room = joinedRoom({ sessionId: 's1', room: 'r', nick: 'me', pid: 1, slot: 0, history: [], participants: [{ pid: 9, slot: 1, nick, joinedAt: 1 }] });
    room = addMessages(room, [{ seq: 0, pid: 9, slot: 1, nick, time: 0, text: 'see \u202Etxt.exe\r\nsecond\u009b6n' }]);
    component = mount(ChatRoom, { target, props: { state: room, send: async () => {}, leave: () => {} } });
    flushSync();
    const message = target.querySelector('[data-testid="chat-message"]')!;
    expect(message.querySelector('.nick')!.textContent).toBe('\\e[6n<U+202E>');
    expect(message.querySelector('.text')!.textContent).toBe('see <U+202E>txt.exe\\r\nsecond\\u009b6n');
    expect(text('[data-testid="chat-participant"]')).toContain('\\e[6n<U+202E>');
    expect(text('[data-testid="chat-room"]')).not.toMatch(RAW);
  });
});
