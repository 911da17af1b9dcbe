// One byte budget shared by every client of a service: watched ranges keep their last bytes
// in memory (and their segments attached) for as long as they live, so the sum over all
// windows or sockets is bounded, not just the count per client.
import { ShmscopeError } from '../errors';

const MIB = 1024 * 1024;

function amount(bytes: number): string {
  return bytes >= MIB ? `${Math.round((bytes / MIB) * 10) / 10} MiB` : `${bytes} byte${bytes === 1 ? '' : 's'}`;
}

export class ByteBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  get used(): number { return this.#used; }

  /** Reserves `bytes` for `subject`, or throws ENOBUFS naming the limit and what is in use. */
  take(subject: string, bytes: number): void {
    if (this.#used + bytes > this.limit) {
      throw new ShmscopeError(subject, `refused: ${amount(bytes)} more would pass this server's limit of ${amount(this.limit)} `
        + `watched by all windows together (${amount(this.#used)} in use); unwatch some ranges or watch shorter ones`, 'ENOBUFS');
    }
    this.#used += bytes;
  }

  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}
