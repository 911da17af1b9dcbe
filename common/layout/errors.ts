// A mistake in the user's declarations, named by place like a compiler does:
// "layout.h:3:14: expected ';' after member". `code` makes it an errno-style error for the CLI.
import type { SourceLocation } from './types';

export class LayoutError extends Error {
  override name = 'LayoutError';
  readonly code = 'EINVAL';
  readonly location: SourceLocation;

  constructor(location: SourceLocation, message: string) {
    super(`${location.file}:${location.line}:${location.column}: ${message}`);
    this.location = location;
  }
}
