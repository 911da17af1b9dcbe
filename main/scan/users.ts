// uid/gid → name from /etc/passwd and /etc/group, cached until the file changes.
import { readFileSync, statSync } from 'node:fs';

interface Cache { mtimeMs: number; size: number; names: Map<number, string> }

const caches = new Map<string, Cache>();

function parse(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(':');
    const name = fields[0];
    const id = Number(fields[2]);
    if (name && fields[2] !== '' && Number.isInteger(id) && !names.has(id)) names.set(id, name);
  }
  return names;
}

function table(path: string): Map<number, string> {
  let mtimeMs = -1;
  let size = -1;
  try {
    const st = statSync(path);
    mtimeMs = st.mtimeMs;
    size = st.size;
  } catch {
    // no such file: no names
  }
  const cached = caches.get(path);
  if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.names;
  let names = new Map<number, string>();
  if (mtimeMs >= 0) {
    try { names = parse(readFileSync(path, 'utf8')); } catch { /* unreadable: no names */ }
  }
  caches.set(path, { mtimeMs, size, names });
  return names;
}

/** Name lookups for one scan (re-validates the cache once per call). */
export interface NameLookup { user(uid: number): string; group(gid: number): string }

export function nameLookup(passwd = '/etc/passwd', group = '/etc/group'): NameLookup {
  const users = table(passwd);
  const groups = table(group);
  return {
    user: (uid) => users.get(uid) ?? String(uid),
    group: (gid) => groups.get(gid) ?? String(gid),
  };
}

/** The uid of a login name in /etc/passwd, or undefined (for spotting a nick that names another user). */
export function uidOfUser(name: string, passwd = '/etc/passwd'): number | undefined {
  for (const [uid, user] of table(passwd)) if (user === name) return uid;
  return undefined;
}
