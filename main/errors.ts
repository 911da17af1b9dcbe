// Errors raised by shmscope's own checks (bad references, bad arguments). OS failures
// come from the native addon with the same shape: a message naming the subject,
// a `code`, and the `subject` itself.

export class ShmscopeError extends Error {
  readonly code: string;
  readonly subject: string;

  constructor(subject: string, message: string, code: string) {
    super(`${subject}: ${message} (${code})`);
    this.name = 'ShmscopeError';
    this.code = code;
    this.subject = subject;
  }
}

/** True for errors that carry an errno-style code (from the addon or ShmscopeError). */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}
