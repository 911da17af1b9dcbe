// The state of the page's link to shmscope, as App shows it. Electron's IPC never drops, so
// there the link is always open; the web mode's socket can close and come back.
export type Link =
  | { state: 'open'; reconnected: boolean }
  | { state: 'reconnecting'; reason: string; attempt: number; retryInMs: number };

export const OPEN: Link = { state: 'open', reconnected: false };

/** The status-bar text for a link that is down: why, and what the user can do. */
export function linkText(link: Link): string {
  if (link.state === 'open') return link.reconnected ? 'Reconnected to shmscope.' : '';
  const why = link.reason === '' ? 'Connection to shmscope lost' : `Connection to shmscope closed: ${link.reason}`;
  return `${why}. Reconnecting (attempt ${link.attempt}, every ${Math.round(link.retryInMs / 1000) || 1} s)… ` +
    'A server restarted without --token-file has a new URL: open the one it printed.';
}
