// Who maps a System V segment right now, for reading it through their mapping (borrowed.ts).
import { scanSegments } from '../scan';
import type { Holder } from './borrowed';

/** The scanner's attachers of shmid (none when it has none, or is gone). */
export function sysvHolders(shmid: number): readonly Holder[] {
  const row = scanSegments().segments.find((r) => r.kind === 'sysv' && r.id === shmid);
  return row?.attachers ?? [];
}
