// Hover over stdio: directives (syntax, default, contexts, first version, module, our note, the
// nginx.org link), variables, upstream names, locations (what they match, what wins over them)
// and include arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Hover } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';

const ROOT = `events {}
http {
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    upstream app { server 127.0.0.1:3000 max_fails=2; server 127.0.0.1:3001 backup; keepalive 16; }
    include conf.d/*.conf;
    server {
        listen 80;
        include snippets/admin.conf;
        location /api/ { proxy_pass http://app; }
        location /api/v2/ { proxy_pass http://app; }
        location = /api/health { return 204; }
        location ~ \\.php$ { return 403; }
        location ^~ /static/ { root /srv; }
        location @fallback { return 404; }
        proxy_set_header Connection $connection_upgrade;
        add_header X-Host $host;
    }
}
`;

function lineOf(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + delta);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

async function hoverAt(c: LspClient, path: string, text: string, needle: string, delta = 1): Promise<string> {
  const p = lineOf(text, needle, delta);
  const h = await c.requestAt<Hover | null>('textDocument/hover', path, p.line, p.character);
  if (!h) return '';
  return typeof h.contents === 'object' && 'value' in h.contents ? h.contents.value : JSON.stringify(h.contents);
}

test('hover: directives, variables, upstreams, locations, includes', async () => {
  const tree = tempTree({ 'nginx.conf': ROOT, 'conf.d/a.conf': 'server { listen 81; }\n', 'conf.d/b.conf': 'server { listen 82; }\n', 'snippets/admin.conf': 'location /api/admin/ { return 403; }\n' });
  const { client } = await LspClient.start({ folders: [tree.dir], settings: { nginxVersion: '1.24.0' } });
  const path = tree.path('nginx.conf');
  try {
    await client.open(path, ROOT);
    await client.waitForDiagnostics(path, () => true);

    const pass = await hoverAt(client, path, ROOT, 'proxy_pass');
    assert.match(pass, /^\*\*proxy_pass\*\* — Sends the request to a backend/);
    assert.match(pass, /```nginx\nproxy_pass URL;\n```/);
    assert.match(pass, /Default: none/);
    assert.match(pass, /Context: location, if in location, limit_except/);
    assert.match(pass, /Since: 1\.18\.0 or earlier/);
    assert.match(pass, /Module: ngx_http_proxy_module/);
    assert.match(pass, /\[nginx\.org documentation\]\(https:\/\/nginx\.org\/en\/docs\/http\/ngx_http_proxy_module\.html#proxy_pass\)/);

    const keepalive = await hoverAt(client, path, ROOT, 'keepalive 16');
    assert.match(keepalive, /Default: `32 local`|Default: none|Default:/);
    assert.match(keepalive, /Context: upstream/);

    const listen = await hoverAt(client, path, ROOT, 'listen 80');
    assert.match(listen, /Default: `\*:80 \| \*:8000`/);

    const builtin = await hoverAt(client, path, ROOT, '$host;', 2);
    assert.match(builtin, /\*\*\$host\*\* — Host from the request line/);
    const defined = await hoverAt(client, path, ROOT, '$connection_upgrade;', 3);
    assert.match(defined, /Defined by `map` at nginx\.conf:3/);

    const up = await hoverAt(client, path, ROOT, 'http://app', 8);
    assert.match(up, /\*\*upstream app\*\* \(nginx\.conf:4\)/);
    assert.match(up, /- `127\.0\.0\.1:3000 max_fails=2`\n- `127\.0\.0\.1:3001 backup`/);
    assert.match(up, /`keepalive 16`/);

    const prefix = await hoverAt(client, path, ROOT, '/api/ {', 2);
    assert.match(prefix, /\*\*Prefix match\*\*: URIs starting with `\/api\/`/);
    assert.match(prefix, /Exact locations for these URIs:\n- `location = \/api\/health`/);
    assert.match(prefix, /Longer prefixes, for the URIs they match:\n- `location \/api\/admin\/`\n- `location \/api\/v2\/`/, 'included locations count too');
    assert.match(prefix, /Regex locations at this level, when they match:\n- `location ~ \\\.php\$`/);
    const noregex = await hoverAt(client, path, ROOT, '/static/', 2);
    assert.match(noregex, /when this one is it, regex locations are not tried/);
    assert.doesNotMatch(noregex, /Regex locations at this level/);
    const exact = await hoverAt(client, path, ROOT, '/api/health', 2);
    assert.match(exact, /\*\*Exact match\*\*: only the URI `\/api\/health`\. Nothing wins over it/);
    const regex = await hoverAt(client, path, ROOT, '\\.php$', 2);
    assert.match(regex, /\*\*Regular expression\*\* \(case-sensitive\)/);
    const named = await hoverAt(client, path, ROOT, '@fallback', 2);
    assert.match(named, /\*\*Named location\*\*/);

    const inc = await hoverAt(client, path, ROOT, 'conf.d/*.conf', 2);
    assert.match(inc, /Reads 2 files, in this order:\n\n- `conf\.d\/a\.conf`\n- `conf\.d\/b\.conf`/);
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('hover says when a directive is not in the configured version', async () => {
  const text = 'events {}\nhttp {\n    server {\n        listen 80;\n        http2 on;\n    }\n}\n';
  const tree = tempTree({ 'nginx.conf': text });
  const { client } = await LspClient.start({ folders: [tree.dir], settings: { nginxVersion: '1.24.0' } });
  try {
    await client.open(tree.path('nginx.conf'), text);
    const h = await hoverAt(client, tree.path('nginx.conf'), text, 'http2 on', 1);
    assert.match(h, /Not available in nginx 1\.24\.0 \(catalogued in 1\.25\.1\+\)/);
  } finally {
    await client.stop();
    tree.remove();
  }
});
