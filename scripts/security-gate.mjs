#!/usr/bin/env node
// The security gate: runs Electronegativity (Doyensec's Electron security linter) offline
// over the Electron main process and preload sources, prints a summary, and exits 1 on any
// HIGH-severity finding or on any file it failed to parse (a file it cannot read is a file
// it cannot vouch for). The tool itself always exits 0, hence this script.
//
// Offline: the one online-only check (AvailableSecurityFixesGlobalCheck, which downloads
// Electron's release list) is excluded, and DNS is stubbed so nothing can reach the network
// (the tool also tries to fetch translations; that fails at once and it falls back to its
// bundled English strings).
//
// Usage: node scripts/security-gate.mjs [--json] [--input DIR]
//   --input DIR  scan DIR instead of the project's main/ and preload/ (used by the tests)
//   --json       print the findings as JSON on stdout (the summary goes to stderr)
import dns from 'node:dns';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** Checks that need the network; excluded so the gate gives the same answer offline. */
export const ONLINE_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
/** What the Electron main process runs and what its renderers can reach. */
const SOURCES = ['common', 'main', 'preload'];

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, input: { type: 'string' } } });

// No network: every host lookup fails at once (counted, so the summary can say so).
let blockedLookups = 0;
const refuse = (host, ...rest) => {
  blockedLookups++;
  const callback = rest.find((a) => typeof a === 'function');
  const error = Object.assign(new Error(`security gate is offline: no lookup of ${host}`), { code: 'ENOTFOUND' });
  if (callback) process.nextTick(callback, error);
  else return Promise.reject(error);
};
dns.lookup = refuse;
dns.promises.lookup = refuse;
// The tool fetches its translations in the background without an error listener; on Node 24 the
// refused lookup then surfaces as an uncaught error. It is our refusal, not a finding: ignore it.
process.on('uncaughtException', (error) => {
  if (String(error?.message).startsWith('security gate is offline')) return;
  throw error;
});

// The tool's own chatter (banner, translation warning) goes to stderr, keeping stdout for --json.
const log = console.log;
console.log = (...args) => console.error(...args);

// Stage the sources with package.json so the tool detects the Electron version we build with.
const staging = mkdtempSync(join(tmpdir(), 'shmscope-security-'));
let result;
try {
  const input = values.input ?? staging;
  if (!values.input) {
    for (const dir of SOURCES) cpSync(join(root, dir), join(staging, dir), { recursive: true });
    cpSync(join(root, 'package.json'), join(staging, 'package.json'));
  }
  const run = require('@doyensec/electronegativity');
  const electronVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).devDependencies?.electron;
  result = await (run.default ?? run)({
    input,
    excludeFromScan: ONLINE_CHECKS,
    isRelative: true,
    ...(electronVersion ? { electronVersionOverride: electronVersion } : {}),
  });
} finally {
  rmSync(staging, { recursive: true, force: true });
  console.log = log;
}

const findings = result.issues.map((issue) => ({
  id: issue.id,
  severity: issue.severity.name,
  confidence: issue.confidence.name,
  file: issue.file,
  line: issue.location.line,
  column: issue.location.column,
  manualReview: issue.manualReview === true,
  description: issue.description,
}));
const parseErrors = result.errors.filter((e) => !e.tolerable);
const bySeverity = {};
for (const f of findings) bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
const high = findings.filter((f) => f.severity === 'HIGH');

const out = (line) => process.stderr.write(`${line}\n`);
out('');
out(`Electronegativity: ${result.globalChecks} global + ${result.atomicChecks} atomic checks over ${values.input ?? SOURCES.join('/, ') + '/'} (excluded, online only: ${ONLINE_CHECKS.join(', ')}; network lookups blocked: ${blockedLookups})`);
for (const f of findings) {
  out(`  ${f.severity.padEnd(13)} ${f.confidence.padEnd(9)} ${f.id}${f.manualReview ? ' (review)' : ''}  ${f.file}:${f.line}:${f.column}  ${f.description}`);
}
for (const e of parseErrors) out(`  PARSE ERROR   ${e.file}: ${e.message}`);
const counts = ['HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL'].map((s) => `${s} ${bySeverity[s] ?? 0}`).join(', ');
out(`Findings: ${counts}; unparsed files: ${parseErrors.length}`);
if (values.json) log(JSON.stringify({ findings, parseErrors, blockedLookups }, null, 2));

if (high.length > 0 || parseErrors.length > 0) {
  out(`security gate: FAIL (${high.length} HIGH finding(s), ${parseErrors.length} unparsed file(s))`);
  process.exit(1);
}
out('security gate: PASS (no HIGH finding)');
process.exit(0);
