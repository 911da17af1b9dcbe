// How the /proc walk runs (maps-thread.ts). A long-running process (the app, the web server)
// walks on a worker thread, started once. A one-shot process (the CLI) would pay more to start
// that worker than the whole walk costs, so it walks on its own thread instead, every read that
// can hang bounded by a thread of the addon's (native/src/bounded_read.cc). The same bound holds
// either way: PROCESS_TIMEOUT_MS a read, at most MAX_PARKED stuck reads. No imports, so setting
// it loads nothing.
export const walkMode = { inline: false };
