// Outline and workspace symbols over stdio: http/server (server_name and listen)/location/upstream/
// map as a tree for clients with hierarchical symbols (flat otherwise), and symbol search across
// the include graphs of every root config of the workspace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentSymbol, SymbolInformation } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';

const ROOT = `events {}
http {
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    upstream app { server 127.0.0.1:3000; server 127.0.0.1:3001; }
    server {
        listen 443 ssl;
        listen [::]:443 ssl;
        server_name example.com www.example.com;
        location / {
            location ~ \\.php$ { return 403; }
        }
        location @fallback { return 404; }
    }
    include sites/*.conf;
}
`;

function tree(list: DocumentSymbol[], depth = 0): string[] {
  return list.flatMap((s) => [`${'  '.repeat(depth)}${s.name}${s.detail ? ` [${s.detail}]` : ''} (${s.kind})`, ...tree(s.children ?? [], depth + 1)]);
}

test('document symbols: a tree with server names and listen addresses', async () => {
  const t = tempTree({ 'nginx.conf': ROOT, 'sites/x.conf': 'server { server_name x.test; listen 8080; }\n' });
  const { client } = await LspClient.startWithCapabilities({ folders: [t.dir] }, { documentSymbol: { hierarchicalDocumentSymbolSupport: true } });
  try {
    await client.open(t.path('nginx.conf'), ROOT);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri(t.path('nginx.conf')) } });
    assert.deepEqual(tree(symbols), [
      'events (3)',
      'http (3)',
      '  map $http_upgrade $connection_upgrade (13)',
      '  upstream app [2 servers] (11)',
      '  server example.com www.example.com [listen 443 ssl, [::]:443 ssl] (5)',
      '    location / (6)',
      '      location ~ \\.php$ (6)',
      '    location @fallback (12)',
    ]);
    const server = symbols[1]!.children![2]!;
    assert.deepEqual(server.range, { start: { line: 4, character: 4 }, end: { line: 12, character: 5 } });
    assert.deepEqual(server.selectionRange, { start: { line: 4, character: 4 }, end: { line: 4, character: 10 } });
  } finally {
    await client.stop();
    t.remove();
  }
});

test('document symbols are flat for clients without hierarchical support', async () => {
  const t = tempTree({ 'nginx.conf': ROOT });
  const { client } = await LspClient.start({ folders: [t.dir] });
  try {
    await client.open(t.path('nginx.conf'), ROOT);
    const symbols = await client.request<SymbolInformation[]>('textDocument/documentSymbol', { textDocument: { uri: client.uri(t.path('nginx.conf')) } });
    assert.equal(symbols.length, 8);
    const loc = symbols.find((s) => s.name === 'location /')!;
    assert.equal(loc.containerName, 'server example.com www.example.com');
  } finally {
    await client.stop();
    t.remove();
  }
});

test('workspace symbols across the include graphs of every root', async () => {
  const a = tempTree({ 'nginx.conf': ROOT, 'sites/x.conf': 'server { server_name shop.test; listen 8080; location /cart { return 200; } }\n' });
  const b = tempTree({ 'etc/nginx.conf': 'events {}\nhttp { upstream shop_api { server 10.0.0.1; } }\n' });
  const { client } = await LspClient.start({ folders: [a.dir, b.dir] });
  try {
    const shop = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'shop' });
    assert.deepEqual(shop.map((s) => `${s.name} @ ${s.location.uri.split('/').slice(-2).join('/')}`).sort(), [
      'server shop.test @ sites/x.conf',
      'upstream shop_api @ etc/nginx.conf',
    ]);
    const cart = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'loc cart' });
    assert.equal(cart.length, 1);
    assert.equal(cart[0]!.containerName, 'server shop.test');
    assert.deepEqual(cart[0]!.location.range.start, { line: 0, character: 45 });
    const all = await client.request<SymbolInformation[]>('workspace/symbol', { query: '' });
    assert.ok(all.length >= 10);
  } finally {
    await client.stop();
    a.remove();
    b.remove();
  }
});
