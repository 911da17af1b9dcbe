// `shmscope ls` loads only what listing needs: not the web server, WebSocket or chat code
// (each command's code is its own chunk, electron.config.ts cliEntry), so its start-up is node's
// plus the scan. bench:scan prints the figures; here we check what gets loaded.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/shmscope.js', import.meta.url));

// Records every module file the CLI resolves and, at exit, Node's built-in modules it loaded.
const RECORDER = `
import { registerHooks } from 'node:module';
const files = [];
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); if (r.url.startsWith('file:')) files.push(r.url); return r; } });
process.on('exit', () => { process.stderr.write('\\nLOADED ' + JSON.stringify({ files, builtins: process.moduleLoadList }) + '\\n'); });
`;

function loadedBy(args: string[]): { files: string[]; builtins: string[] } {
  const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(RECORDER)}`, bin, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(/LOADED (.*)\n/.exec(result.stderr)![1]!) as { files: string[]; builtins: string[] };
}

describe('start-up', () => {
  it('ls --json loads no web server, WebSocket, readline prompt or chat-session code', () => {
    const { files, builtins } = loadedBy(['ls', '--json']);
    const code = files.filter((url) => url.includes('/out/main/')).map((url) => readFileSync(fileURLToPath(url), 'utf8')).join('\n');
    expect(code).toContain('// main/scan/index.ts');           // esbuild names each source in the bundle
    for (const absent of ['main/serve/', 'node_modules/ws/', 'main/chat/room.ts', 'main/cli/chat/']) {
      expect(code, absent).not.toContain(`// ${absent}`);
    }
    for (const builtin of ['NativeModule http', 'NativeModule crypto', 'NativeModule child_process', 'NativeModule readline']) {
      expect(builtins, builtin).not.toContain(builtin);
    }
  });

  it('--version loads the dispatcher only', () => {
    const { files } = loadedBy(['--version']);
    const chunks = files.filter((url) => /\/out\/main\/cli-chunk-/.test(url));
    const code = chunks.map((url) => readFileSync(fileURLToPath(url), 'utf8')).join('\n');
    expect(code).not.toContain('// main/scan/index.ts');
    expect(code).not.toContain('// main/scan/maps');
  });
});
