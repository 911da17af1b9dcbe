// Turns whatever a method throws into the contract's WireError, so every transport reports
// failures the same way: the message as written (it names the argument or segment) and an
// errno-style code the renderer can branch on.
import { errorCode } from '../errors';
import type { WireError } from '../../common/contract';

export function toWireError(error: unknown): WireError {
  const code = errorCode(error);
  if (error instanceof Error) {
    if (code) return { message: error.message, code };
    // The addon reports out-of-range reads/writes as RangeError without a code.
    if (error instanceof RangeError) return { message: error.message, code: 'ERANGE' };
    return { message: error.message, code: 'EINTERNAL' };
  }
  return { message: String(error), code: 'EINTERNAL' };
}
