// Keystroke-to-diagnostics latency over stdio with the real test client (out/test/helpers/lsp-client.js,
// compiled by `npx tsc -b`) against dist/server.js.
//   node scripts/bench/lsp.mjs FOLDER FILE EDITS  -> prints JSON { openMs, samples: [ms...] }
// Each edit is a one-character change (proxy_http_version 1.1 <-> 1.0 on one line, which toggles a
// diagnostic) sent as an incremental didChange of that one character, as VS Code sends a keystroke
// (the server syncs incrementally); the sample is the time until the next publishDiagnostics for FILE.
// With --full each edit sends the whole text instead (what a client without incremental sync does).
// Each edit waits until the server is quiet, so the adaptive debounce (workspace.ts debounceMs) does
// not delay it: an edit to an idle unit is analysed at once.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { LspClient } = require(resolve('out/test/helpers/lsp-client.js'));
const full = process.argv.includes('--full');
const [folder, file, editsArg = '20'] = process.argv.slice(2).filter((a) => a !== '--full');
const edits = Number(editsArg);
const text = readFileSync(file, 'utf8');
const lines = text.split('\n');
const editLine = lines.findIndex((l, i) => i > lines.length / 2 && l.includes('proxy_http_version 1.1;'));
if (editLine < 0) throw new Error('no proxy_http_version line to edit');
const uri = pathToFileURL(resolve(file)).href;

const { client } = await LspClient.start({ folders: [resolve(folder)], trusted: false });
const t0 = performance.now();
await client.open(resolve(file), text, 1);
await client.waitFor('first diagnostics', () => client.diagnostics.has(uri), 300_000);
const openMs = performance.now() - t0;
// Wait until the server is quiet (a workspace scan may publish again after the open).
const quiet = async () => {
  for (;;) {
    const d = client.diagnostics.get(uri);
    await new Promise((r) => setTimeout(r, 600));
    if (client.diagnostics.get(uri) === d) return;
  }
};
await quiet();
const samples = [];
for (let i = 0; i < edits; i++) {
  const copy = lines.slice();
  copy[editLine] = i % 2 === 0 ? copy[editLine].replace('1.1;', '1.0;') : copy[editLine];
  const col = lines[editLine].indexOf('1.1;') + 2;
  const prev = client.diagnostics.get(uri);
  const start = performance.now();
  if (full) await client.change(resolve(file), copy.join('\n'), i + 2);
  else await client.edit(resolve(file), { start: { line: editLine, character: col }, end: { line: editLine, character: col + 1 } }, i % 2 === 0 ? '0' : '1', i + 2);
  await client.waitFor('diagnostics after edit', () => client.diagnostics.get(uri) !== prev, 300_000);
  samples.push(performance.now() - start);
  await quiet();
}
await client.stop();
console.log(JSON.stringify({ openMs, samples, editLine: editLine + 1 }));
