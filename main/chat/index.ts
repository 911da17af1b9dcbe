export { ChatRoom, type ChatRoomEvents, type ChatRoomOptions } from './room';
export { describeChannel, labelRooms, type ChannelDescription, type LabelledRow } from './describe';
export { isRoomKey, roomKey, roomNameProblem, validateRoomName, ROOM_KEY_PREFIX } from './naming';
