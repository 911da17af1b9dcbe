// The data-testid selectors the end-to-end tests rely on. They mirror renderer/TESTIDS.md,
// which is the renderer's side of this contract: change both together. Keeping them here,
// in one place, means a renamed test id breaks one line, not every test.
export const tid = (id: string): string => `[data-testid="${id}"]`;

export const sel = {
  summary: tid('summary'),
  status: tid('status'),
  fatal: tid('fatal'),
  createButton: tid('create-button'),
  removeButton: tid('remove-button'),
  refreshButton: tid('refresh-button'),

  table: tid('segments-table'),
  filter: tid('segment-filter'),
  row: (ref: string): string => `${tid('segment-row')}[data-ref="${ref}"]`,

  tabDetails: tid('tab-details'),
  tabHex: tid('tab-hex'),
  details: tid('segment-details'),
  attacherRow: (pid: number): string => `${tid('attacher-row')}[data-pid="${pid}"]`,

  hexView: tid('hex-view'),
  hexCell: (offset: number): string => `${tid('hex-cell')}[data-offset="${offset}"]`,
  asciiCell: (offset: number): string => `${tid('ascii-cell')}[data-offset="${offset}"]`,
  hexError: tid('hex-error'),
  hexWritable: tid('hex-writable'),
  hexGotoInput: tid('hex-goto-input'),
  hexSearchInput: tid('hex-search-input'),
  hexSearchStatus: tid('hex-search-status'),
  hexHint: tid('hex-hint'),
  hexCursor: `${tid('hex-cell')}.cursor`,

  createDialog: tid('create-dialog'),
  createKindPosix: tid('create-kind-posix'),
  createKindSysv: tid('create-kind-sysv'),
  createName: tid('create-name'),
  createByKey: tid('create-by-key'),
  createKey: tid('create-key'),
  createSize: tid('create-size'),
  createMode: tid('create-mode'),
  createSubmit: tid('create-submit'),
  dialogError: tid('dialog-error'),
  dialogErrorCode: tid('dialog-error-code'),

  removeDialog: tid('remove-dialog'),
  removeConfirm: tid('remove-confirm'),

  chatRoomInput: tid('chat-room-input'),
  chatNickInput: tid('chat-nick-input'),
  chatJoin: tid('chat-join'),
  chatRoom: (room: string): string => `${tid('chat-room')}[data-room="${room}"]`,
  chatMessage: tid('chat-message'),
  chatMessageFrom: (nick: string): string => `${tid('chat-message')}[data-nick="${nick}"]`,
  chatParticipant: (nick: string): string => `${tid('chat-participant')}[data-nick="${nick}"]`,
  chatInput: tid('chat-input'),
  chatSend: tid('chat-send'),
} as const;
