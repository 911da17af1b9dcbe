// The Layout pane beside the hex view, in happy-dom over the fake contract: pasted C
// declarations become a tree of live values, a write by "another process" changes and
// highlights a value, a click selects the member's bytes in the hex view and the hex cursor
// marks its member, parse errors name line:column, and the choice survives a remount
// (localStorage). The pure parts (tree order = decode order, defaults, memory keys) too.
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { decode, parseDeclarations, findType } from '../../common/layout';
import App from '../../renderer/App.svelte';
import HexPane from '../../renderer/components/HexPane.svelte';
import { BUILTINS, buildTree, defaultChoice, EMPTY_CHOICE, loadChoice, memoryKey, nodeAt, nodeCount, parseLayout, resolve, saveChoice, visibleNodes, type TreeNode } from '../../renderer/lib/struct-view';
import { encodeValue } from '../../renderer/lib/struct-edit';
import { WatchHub } from '../../renderer/lib/watch';
import { createFakeApi } from './fake-api';
import { posixRow, sysvRow } from './fixtures';

const BOUNDED = 'struct shared { int in; int out; int buffer[10]; };\n';

let target: HTMLElement;
let component: ReturnType<typeof mount> | undefined;

beforeEach(() => {
  localStorage.clear();
  target = document.createElement('div');
  document.body.append(target);
});
afterEach(() => {
  if (component) unmount(component);
  component = undefined;
  target.remove();
});

const q = <T extends Element = HTMLElement>(selector: string): T | null => target.querySelector<T>(selector);

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  flushSync();
}

function typeInto(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

const member = (path: string): HTMLElement | null => q(`[data-testid="layout-member"][data-path="${path}"]`);
const value = (path: string): string => member(path)?.querySelector('[data-testid="layout-value"]')?.textContent ?? '';

function mountPane(fake = createFakeApi([posixRow('p', { size: 4096 })])) {
  const hub = new WatchHub(fake.api);
  component = mount(HexPane, { target, props: { segmentRef: 'posix:p', size: 4096, source: hub.source('posix:p'), maxRead: 1 << 20, layoutMemory: 'posix:p', layoutFallback: EMPTY_CHOICE } });
  return fake;
}

describe('the pane over live bytes', () => {
  test('pasted declarations decode live; a change is highlighted; member ↔ hex selection both ways', async () => {
    const fake = createFakeApi([posixRow('p', { size: 4096 })]);
    const memory = new Uint8Array(4096);
    new DataView(memory.buffer).setInt32(0, 3, true);
    new DataView(memory.buffer).setInt32(4, 1, true);
    fake.memory.set('posix:p', memory);
    mountPane(fake);
    await settle();
    q('[data-testid="tab-layout"]')!.click();
    await settle();
    typeInto(q<HTMLTextAreaElement>('[data-testid="layout-source"]')!, BOUNDED);
    await settle();
    expect(q<HTMLSelectElement>('[data-testid="layout-type"]')!.value).toBe('struct shared');
    expect(q('[data-testid="layout-summary"]')!.textContent).toBe('struct shared: 48 bytes at 0x0');
    expect(value('in')).toBe('3');
    expect(value('out')).toBe('1');
    expect(value('buffer[9]')).toBe('0');
    expect(member('in')!.classList.contains('changed')).toBe(false);

    fake.touch('posix:p', 0, [4, 0, 0, 0]);
    await settle();
    expect(value('in')).toBe('4');
    expect(member('in')!.classList.contains('changed')).toBe(true);
    expect(member('out')!.classList.contains('changed')).toBe(false);

    member('out')!.click();
    await settle();
    const selected = [...target.querySelectorAll('[data-testid="hex-cell"].selected')].map((c) => Number(c.getAttribute('data-offset')));
    expect(selected).toEqual([4, 5, 6, 7]);
    // The hex cursor (last byte of the selection) lies in `out`, so `out` is the marked member.
    expect(q('[data-testid="layout-member"].cursor')!.getAttribute('data-path')).toBe('out');

    const cell = q('[data-testid="hex-cell"][data-offset="13"]')!;
    cell.dispatchEvent(new PointerEvent('pointerdown', { bubbles: true, button: 0 }));
    await settle();
    expect(q('[data-testid="layout-member"].cursor')!.getAttribute('data-path')).toBe('buffer[1]');
  });

  test('a parse error names line:column; the choice (text, type, offset) is remembered across a remount', async () => {
    mountPane();
    await settle();
    q('[data-testid="tab-layout"]')!.click();
    await settle();
    typeInto(q<HTMLTextAreaElement>('[data-testid="layout-source"]')!, 'struct a { int x; };\nstruct b { int y }\n');
    await settle();
    const error = q('[data-testid="layout-error"]')!;
    expect(error.textContent).toMatch(/^layout\.h:2:18: expected ';'/);
    expect(error.getAttribute('data-line')).toBe('2');

    typeInto(q<HTMLTextAreaElement>('[data-testid="layout-source"]')!, `struct a { int x; };\n${BOUNDED}`);
    await settle();
    const select = q<HTMLSelectElement>('[data-testid="layout-type"]')!;
    select.value = 'struct shared';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    typeInto(q<HTMLInputElement>('[data-testid="layout-offset"]')!, '0x10');
    await settle();
    expect(q('[data-testid="layout-summary"]')!.textContent).toBe('struct shared: 48 bytes at 0x10');

    unmount(component!);
    component = undefined;
    mountPane();
    await settle();
    q('[data-testid="tab-layout"]')!.click();
    await settle();
    expect(q<HTMLTextAreaElement>('[data-testid="layout-source"]')!.value).toBe(`struct a { int x; };\n${BOUNDED}`);
    expect(q<HTMLSelectElement>('[data-testid="layout-type"]')!.value).toBe('struct shared');
    expect(q<HTMLInputElement>('[data-testid="layout-offset"]')!.value).toBe('16');
    expect(member('in')!.getAttribute('data-offset')).toBe('16');
  });

  test('in the app, a rescan (a new row object for the same segment) keeps the view open and the change highlighted', async () => {
    const fake = createFakeApi([sysvRow(3, { key: '0x5c000001', size: 4096 })]);
    component = mount(App, { target, props: { api: fake.api } });
    await settle();
    q('[data-ref="sysv:3"]')!.click();
    await settle();
    q('[data-testid="tab-hex"]')!.click();
    await settle();
    q('[data-testid="tab-layout"]')!.click();
    await settle();
    typeInto(q<HTMLTextAreaElement>('[data-testid="layout-source"]')!, BOUNDED);
    await settle();
    const opened = fake.calls.filter(([m]) => m === 'viewRange').length;
    fake.emit('segmentsChanged', { segments: [sysvRow(3, { key: '0x5c000001', size: 4096, nattch: 1 })], scannedProcesses: 1, unreadableProcesses: 0, unreadable: [] });
    await settle();
    fake.touch('sysv:3', 0, [1]);
    await settle();
    expect(fake.calls.filter(([m]) => m === 'viewRange').length).toBe(opened);
    expect(value('in')).toBe('1');
    expect(member('in')!.classList.contains('changed')).toBe(true);
  });

  test('with Writable on, a double-clicked value is written as its C type; off, nothing is written', async () => {
    const fake = mountPane();
    await settle();
    q('[data-testid="tab-layout"]')!.click();
    await settle();
    typeInto(q<HTMLTextAreaElement>('[data-testid="layout-source"]')!, 'struct m { int in; int out; char name[8]; };');
    await settle();
    const dblclick = (path: string): void => { member(path)!.querySelector('[data-testid="layout-value"]')!.dispatchEvent(new MouseEvent('dblclick', { bubbles: true })); };
    dblclick('out');
    await settle();
    expect(q('[data-testid="layout-edit"]')).toBeNull();
    expect(q('[data-testid="layout-edit-error"]')!.textContent).toMatch(/switch on "Writable"/);
    expect(fake.calls.filter(([m]) => m === 'viewWrite')).toEqual([]);

    q<HTMLInputElement>('[data-testid="hex-writable"]')!.click();
    await settle();
    const edit = async (path: string, text: string): Promise<void> => {
      dblclick(path);
      await settle();
      const input = q<HTMLInputElement>('[data-testid="layout-edit"]')!;
      typeInto(input, text);
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      await settle();
    };
    await edit('out', '-3');
    expect([...fake.memory.get('posix:p')!.subarray(4, 8)]).toEqual([0xfd, 0xff, 0xff, 0xff]);
    await edit('name', 'hi\\n');
    expect([...fake.memory.get('posix:p')!.subarray(8, 16)]).toEqual([0x68, 0x69, 0x0a, 0, 0, 0, 0, 0]);
    await edit('in', '4294967296');
    expect(q('[data-testid="layout-edit-error"]')!.textContent).toBe('int: 4294967296 does not fit in 4 bytes');
    expect([...fake.memory.get('posix:p')!.subarray(0, 4)]).toEqual([0, 0, 0, 0]);
    expect(fake.calls.some(([m, a]) => m === 'viewWritable' && a[1] === true)).toBe(true);
  });

  test('key 1234 opens on the textbook shm_com layout, showing its text', async () => {
    const fake = createFakeApi([sysvRow(7, { key: '0x000004d2', size: 4096 })]);
    const memory = new Uint8Array(4096);
    memory[0] = 1;
    memory.set(new TextEncoder().encode('hello\n'), 4);
    fake.memory.set('sysv:7', memory);
    const hub = new WatchHub(fake.api);
    const row = fake.segments[0]!;
    component = mount(HexPane, { target, props: { segmentRef: 'sysv:7', size: 4096, source: hub.source('sysv:7'), maxRead: 1 << 20, layoutMemory: memoryKey(row), layoutFallback: defaultChoice(row) } });
    await settle();
    expect(q('[data-testid="tab-layout"]')!.getAttribute('aria-selected')).toBe('true');
    expect(value('written_by_you')).toBe('1');
    expect(value('some_text')).toBe('"hello\\n"');
  });
});

describe('the logic', () => {
  test('the tree numbers its values in decode() order, paths and offsets alike, with a count', () => {
    const source = 'struct p { int a : 3; int : 2; unsigned b : 5; struct { short s; }; char name[4]; union { int i; float f; } u[2]; };';
    const type = findType(parseDeclarations(source), 'struct p')!.type;
    const fields = decode(type, new Uint8Array(type.size * 2), { count: 2, baseOffset: 32 });
    const leaves: TreeNode[] = [];
    const collect = (nodes: readonly TreeNode[]): void => { for (const n of nodes) { if (n.field !== undefined) leaves.push(n); if (n.children) collect(n.children); } };
    collect(buildTree(type, 2, 32));
    expect(leaves.map((n) => n.field)).toEqual(fields.map((_, i) => i));
    expect(leaves.map((n) => [n.path, n.offset, n.size])).toEqual(fields.map((f) => [f.path, f.offset, f.size]));
  });

  test('nodeAt finds the deepest member holding a byte; visibleNodes hides closed children', () => {
    const type = findType(parseDeclarations(BOUNDED), 'shared')!.type;
    const tree = buildTree(type, 1, 0);
    expect(nodeAt(tree, 2)?.path).toBe('in');
    expect(nodeAt(tree, 47)?.path).toBe('buffer[9]');
    expect(nodeAt(tree, 48)).toBeUndefined();
    expect(visibleNodes(tree, () => false).map((n) => n.path)).toEqual(['in', 'out', 'buffer']);
  });

  test('parse errors carry line and column; the built-ins parse, the room header at its documented offsets', () => {
    const bad = parseLayout('struct s {\n  int x\n  int y;\n};');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect([bad.line, bad.column]).toEqual([2, 8]);
    const room = parseLayout(BUILTINS[1]!.source);
    if (!room.ok) throw new Error(room.error);
    const header = findType(room.declarations, 'struct shmscope_room')!.type;
    const offsets = Object.fromEntries(buildTree(header, 1, 0).map((n) => [n.path, n.offset]));
    expect(offsets).toMatchObject({ magic: 0, version: 8, state: 12, header_size: 16, slot_size: 20, presence_offset: 24, slot_count: 32, max_text: 36, ring_offset: 40, ring_size: 48, segment_size: 56, generation: 64, created_ms: 72, creator_pid: 80, name_length: 84, name: 88, tail_position: 256, next_sequence: 264, futex_word: 384, sleepers: 512, presence_generation: 640 });
  });

  test('defaults and memory keys: by key for SysV (id for IPC_PRIVATE), by name for POSIX; a room gets its header', () => {
    expect(defaultChoice(sysvRow(1, { key: '0x000004d2' })).builtin).toBe('shm_com');
    expect(defaultChoice({ ...sysvRow(2, { key: '0x53001234' }), room: 'lobby' }).builtin).toBe('room');
    expect(defaultChoice(posixRow('x'))).toEqual(EMPTY_CHOICE);
    expect(memoryKey(sysvRow(5, { key: '0x000004d2' }))).toBe('key:0x000004d2');
    expect(memoryKey(sysvRow(5, { key: '0x00000000' }))).toBe('sysv:5');
    expect(memoryKey(posixRow('x'))).toBe('posix:x');
  });

  test('a huge tree is refused before it is built, even with no values in it (an array of empty structs)', () => {
    for (const source of ['struct e {}; struct s { struct e a[1000000000]; };', 'struct s { int a[100][1000]; };']) {
      const resolved = resolve({ ...EMPTY_CHOICE, source, type: 'struct s' }, 1 << 20, 1 << 16);
      expect(resolved.ok ? 'shown' : resolved.error).toMatch(/is more than 20000 to show/);
    }
    const type = findType(parseDeclarations('struct s { int x; struct { int y; }; int a[3][2]; char t[9]; };'), 'struct s')!.type;
    const count = (nodes: readonly TreeNode[]): number => nodes.reduce((sum, n) => sum + 1 + count(n.children ?? []), 0);
    expect(nodeCount(type)).toBe(1 + count(buildTree(type, 1, 0)));
  });

  test('values typed become the bytes of their type, or say why not', () => {
    const types = findType(parseDeclarations('enum colour { RED = 1, BLUE = 7 }; struct t { unsigned char u; short s; enum colour c; double d; void *p; char text[4]; bool b; int bits : 3; };'), 'struct t')!.type;
    if (types.kind !== 'record') throw new Error('not a record');
    const of = (name: string) => types.members.find((m) => m.name === name)!.type;
    const hex = (name: string, text: string): string => { const e = encodeValue(of(name), text); return e.ok ? [...e.bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ') : e.error; };
    expect(hex('u', '255')).toBe('ff');
    expect(hex('u', '-1')).toBe('unsigned char: -1 does not fit in 1 byte');
    expect(hex('s', '-0x2')).toBe('fe ff');
    expect(hex('c', 'BLUE')).toBe('07 00 00 00');
    expect(hex('c', 'GREEN')).toBe('enum colour: expected one of RED, BLUE or a number');
    expect(hex('d', '1.5')).toBe('00 00 00 00 00 00 f8 3f');
    expect(hex('p', '0x7f0012345678')).toBe('78 56 34 12 00 7f 00 00');
    expect(hex('text', 'a\\x01\\"')).toBe('61 01 22 00');
    expect(hex('text', 'abcde')).toBe('char[4]: 5 bytes do not fit in 4');
    expect(hex('text', 'a\\q')).toMatch(/unknown escape/);
    expect(hex('b', 'true')).toBe('01');
    expect(hex('s', 'ten')).toMatch(/expected a whole number/);
  });

  test('remembered choices: built-ins by id, junk in storage ignored, newest kept', () => {
    saveChoice(localStorage, 'key:1', { ...EMPTY_CHOICE, builtin: 'shm_com', source: 'edited away', type: 'struct shm_com', offset: 8 });
    expect(loadChoice(localStorage, 'key:1')).toEqual({ builtin: 'shm_com', source: BUILTINS[0]!.source, type: 'struct shm_com', offset: 8, count: 1 });
    localStorage.setItem('shmscope.layouts', '[["key:2", {"builtin": "", "source": 1}], "x"]');
    expect(loadChoice(localStorage, 'key:2')).toBeUndefined();
    localStorage.setItem('shmscope.layouts', '{not json');
    expect(loadChoice(localStorage, 'key:2')).toBeUndefined();
  });
});
