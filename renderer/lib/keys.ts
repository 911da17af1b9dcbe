// Every keyboard action of the window, as the `?` overlay lists them: one list, so the help
// cannot drift from what is bound (App binds the "Window" ones; the others live in their panes).

export interface Shortcut {
  keys: string;
  action: string;
}

export interface ShortcutGroup {
  title: string;
  shortcuts: Shortcut[];
}

export const SHORTCUTS: readonly ShortcutGroup[] = [
  {
    title: 'Window',
    shortcuts: [
      { keys: '?', action: 'Show or hide this help' },
      { keys: 'F6 / Shift+F6', action: 'Next / previous pane (table, details or hex, chat)' },
      { keys: '/', action: 'Filter the segments' },
      { keys: 'F5, Ctrl+R', action: 'Refresh the list' },
      { keys: 'Ctrl+Shift+N', action: 'Create a segment' },
      { keys: 'Ctrl+J', action: 'Join a chat room' },
      { keys: 'Ctrl+B', action: 'Show or hide the chat panel' },
      { keys: 'Tab to a splitter, then ←↑→↓', action: 'Resize panes (Shift: bigger steps; Home/End: limits)' },
      { keys: 'Escape', action: 'Close a dialog, this help or the unreadable-process list' },
    ],
  },
  {
    title: 'Segments table',
    shortcuts: [
      { keys: '↑ ↓ Home End', action: 'Select a segment' },
      { keys: 'Enter', action: 'Open the hex view of the selection' },
      { keys: 'Delete', action: 'Remove the selected segment (asks first)' },
      { keys: 'Alt+1 / Alt+2', action: 'Details / Hex tab' },
    ],
  },
  {
    title: 'Hex view',
    shortcuts: [
      { keys: '←↑→↓ PageUp PageDown', action: 'Move the cursor' },
      { keys: 'Home / End', action: 'Start / end of the row' },
      { keys: 'Ctrl+Home / Ctrl+End', action: 'Start / end of the segment' },
      { keys: 'Shift+movement', action: 'Extend the selection' },
      { keys: 'Ctrl+C', action: 'Copy the selection as hex' },
      { keys: '0-9 a-f', action: 'Write bytes (only with "Writable" on)' },
      { keys: 'Go to box: 4096, 0x1000, 4k, +16', action: 'Go to an offset' },
    ],
  },
  {
    title: 'Chat',
    shortcuts: [
      { keys: 'Enter', action: 'Send' },
      { keys: 'Shift+Enter', action: 'New line' },
    ],
  },
];

/** True when a key typed here is text for a field, not a command for the window. */
export function isTyping(target: EventTarget | null): boolean {
  if (target === null || typeof (target as Element).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName !== 'INPUT') return false;
  const type = (el as HTMLInputElement).type;
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(type);
}
