// Folding and selection ranges over stdio.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FoldingRange, SelectionRange } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';

const TEXT = `# A comment block
# that spans lines
events {}
http {
    log_format main '$remote_addr - $request '
                    '$status';
    server {
        listen 80;
        location / {
            proxy_pass http://127.0.0.1:$server_port;
        }
    }
}
`;

test('folding: blocks, comment runs and statements over several lines', async () => {
  const t = tempTree({ 'nginx.conf': TEXT });
  const { client } = await LspClient.start({ folders: [t.dir] });
  try {
    await client.open(t.path('nginx.conf'), TEXT);
    const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: client.uri(t.path('nginx.conf')) } });
    assert.deepEqual(folds.map((f) => `${f.startLine}-${f.endLine}${f.kind ? ' ' + f.kind : ''}`), ['0-1 comment', '3-11', '4-5', '6-10', '8-9']);
  } finally {
    await client.stop();
    t.remove();
  }
});

test('selection ranges grow from a variable to the whole file', async () => {
  const t = tempTree({ 'nginx.conf': TEXT });
  const { client } = await LspClient.start({ folders: [t.dir] });
  try {
    await client.open(t.path('nginx.conf'), TEXT);
    const [sel] = await client.request<SelectionRange[]>('textDocument/selectionRange', { textDocument: { uri: client.uri(t.path('nginx.conf')) }, positions: [{ line: 9, character: 45 }] });
    const texts: string[] = [];
    const lines = TEXT.split('\n');
    const slice = (r: SelectionRange['range']): string => {
      if (r.start.line === r.end.line) return lines[r.start.line]!.slice(r.start.character, r.end.character);
      return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
    };
    for (let s: SelectionRange | undefined = sel; s; s = s.parent) texts.push(slice(s.range));
    assert.deepEqual(texts, [
      '$server_port',
      'http://127.0.0.1:$server_port',
      'proxy_pass http://127.0.0.1:$server_port',
      'proxy_pass http://127.0.0.1:$server_port;',
      '8:8-10:9',
      '7:8-10:9',
      '6:4-11:5',
      '4:4-11:5',
      '3:0-12:1',
      '0:0-13:0',
    ]);
  } finally {
    await client.stop();
    t.remove();
  }
});
