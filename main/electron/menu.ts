// The application menu. New Window and Quit act in main; the others ask the focused
// window's renderer to act (open a dialog, refresh) through the contract's `menu` event.
import { BrowserWindow, Menu, type MenuItemConstructorOptions } from 'electron';
import type { MenuAction } from '../../common/contract';

export interface MenuHandlers {
  newWindow(): void;
  /** Sends `action` to the focused window (or does nothing when none is focused). */
  toRenderer(window: BrowserWindow, action: MenuAction): void;
  showDevTools: boolean;
}

export function menuTemplate(handlers: MenuHandlers): MenuItemConstructorOptions[] {
  const toFocused = (action: MenuAction) => (): void => {
    const window = BrowserWindow.getFocusedWindow();
    if (window) handlers.toRenderer(window, action);
  };
  return [
    {
      label: '&File',
      submenu: [
        { label: 'New Window', accelerator: 'CmdOrCtrl+N', click: () => handlers.newWindow() },
        { type: 'separator' },
        { label: 'Create Segment…', accelerator: 'CmdOrCtrl+Shift+N', click: toFocused('createSegment') },
        { label: 'Join Chat Room…', accelerator: 'CmdOrCtrl+J', click: toFocused('joinChat') },
        { type: 'separator' },
        { label: 'Refresh', accelerator: 'CmdOrCtrl+R', click: toFocused('refresh') },
        { type: 'separator' },
        { label: 'Quit', accelerator: 'CmdOrCtrl+Q', role: 'quit' },
      ],
    },
    { label: '&Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] },
    {
      label: '&View',
      submenu: [
        { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
        ...(handlers.showDevTools ? [{ type: 'separator' as const }, { role: 'toggleDevTools' as const }] : []),
      ],
    },
  ];
}

export function installMenu(handlers: MenuHandlers): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(handlers)));
}
