export { ChatRoom, type ChatRoomEvents, type ChatRoomOptions } from './room';
export { describeChannel, labelRooms, lookAtRoom, type ChannelBytesDescription, type ChannelDescription, type LabelledRow, type RoomLook } from './describe';
export { isRoomKey, roomKey, roomNameProblem, validateRoomName, ROOM_KEY_PREFIX } from './naming';
