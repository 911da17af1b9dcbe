export { formatKey, formatRef, normalizePosixName, parseRef, parseUnsigned, posixNameBytes, type SegmentRef } from './ref';
export {
  createSegment, openSegment, removeSegment, resolveSysvId,
  type CreateRequest, type Created, type OpenOptions, type Segment, type SysvIdentity,
} from './segment';
export { openBorrowedSysv, type Holder } from './borrowed';
export { sysvHolders } from './holders';
