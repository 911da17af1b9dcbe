// Labels the scanner's rows that are shmscope chat rooms (the renderer shows them as such).
// Only keys in the rooms' block are probed, and describeChannel validates the header, so an
// unrelated segment is never mislabelled.
import { describeChannel, isRoomKey } from '../chat';
import type { ScanResult as ScannerResult } from '../scan';
import type { ScanResult } from '../../preload/api';

export function labelRooms(result: ScannerResult): ScanResult {
  return {
    ...result,
    segments: result.segments.map((row) => {
      if (row.kind !== 'sysv' || !isRoomKey(row.keyNumber)) return row;
      const room = describeChannel(row.id)?.name;
      return room === undefined ? row : { ...row, room };
    }),
  };
}
