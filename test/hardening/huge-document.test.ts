// Huge documents in the editor (docs/security.md): above 4 MB an open document gets syntax
// diagnostics only, formatting is refused with a message, and a keystroke in it does not hold up
// requests about other documents. Before: a 50 MB document peaked at 3.2 GB, formatting took
// 33 s and returned 1.3 million edits, and a keystroke delayed other requests by ~5 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { LspClient, messageText } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';

const UNIT = 'server {\nlisten 80;\nserver_name a.example.com;\nlocation / {\nproxy_pass http://127.0.0.1:9;\nproxy_set_header Connection "upgrade";\n}\n}\n';

function hugeText(mb: number): string {
  // rule findings everywhere (a hard-coded Connection "upgrade"), and one syntax error at the end
  return `events {}\nhttp {\n${UNIT.repeat(Math.ceil((mb * 1024 * 1024) / UNIT.length))}}\n}\n`;
}

function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

test('a 20 MB document: syntax diagnostics only, formatting refused with a message, other documents served first, bounded memory', async () => {
  const small = 'events {}\nhttp {\n    server {\n        listen 80;\n        location / { proxy_pass http://127.0.0.1:9; }\n    }\n}\n';
  const tree = tempTree({ 'small/nginx.conf': small });
  const { client } = await LspClient.start({ folders: [tree.dir] });
  try {
    const bigPath = tree.path('big.conf');
    const text = hugeText(20);
    await client.open(tree.path('small/nginx.conf'), small);
    await client.waitForDiagnostics(tree.path('small/nginx.conf'), () => true);
    await client.open(bigPath, text);
    const diags = await client.waitForDiagnostics(bigPath, (d) => d.length > 0, 'syntax diagnostics of the huge document');
    assert.deepEqual(diags.map((d) => `${d.code} ${d.range.start.line}: ${messageText(d)}`), [`syntax ${text.split('\n').length - 2}: unexpected "}"`]);
    await client.waitFor('the notice', () => client.messages.some((m) => /big\.conf is 20\.0 MB, too big to analyse: only its syntax is checked/.test(m)));

    const edits = await client.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: client.uri(bigPath) }, options: { tabSize: 4, insertSpaces: true } });
    assert.deepEqual(edits, []);
    await client.waitFor('the formatting message', () => client.messages.some((m) => /not formatting this file: it is 20\.0 MB/.test(m)));
    assert.equal(await client.requestAt('textDocument/hover', bigPath, 3, 2), null, 'no editing features on a huge document');

    // a keystroke in the huge document, then a hover on the small one: the hover is answered
    // before the huge document's diagnostics are published again (they wait for a quiet moment
    // and run in slices; the analysis used to run at once, blocking everything for seconds)
    const before = client.diagnostics.get(client.uri(bigPath));
    await client.edit(bigPath, { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, '#', 2);
    const hover = await client.requestAt<{ contents: { value: string } } | null>('textDocument/hover', tree.path('small/nginx.conf'), 4, 24);
    const republished = client.diagnostics.get(client.uri(bigPath)) !== before;
    assert.ok(hover && /proxy_pass/.test(hover.contents.value), JSON.stringify(hover));
    assert.equal(republished, false, 'the huge document was re-checked before the hover on another document was answered');
    await client.waitFor('the re-check', () => client.diagnostics.get(client.uri(bigPath)) !== before, 60_000);
    const after = client.diagnostics.get(client.uri(bigPath)) as Diagnostic[];
    assert.equal(after.length, 1);

    const pid = (client as unknown as { proc: { pid: number } }).proc.pid;
    const rss = peakRssMb(pid);
    assert.ok(rss < 1024, `server peak RSS ${Math.round(rss)} MB for a 20 MB document`);
  } finally {
    await client.stop();
    tree.remove();
  }
});
