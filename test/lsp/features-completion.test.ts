// Completion over stdio with a real client: directives by context and nginx version (snippets of
// their syntax), argument values, variables, upstream names, named locations and include paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompletionItem, CompletionList } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';

/** Removes the "|" marker from a text and returns its position. */
function mark(src: string): { text: string; line: number; character: number } {
  const i = src.indexOf('|');
  const before = src.slice(0, i);
  const line = before.split('\n').length - 1;
  return { text: src.slice(0, i) + src.slice(i + 1), line, character: i - before.lastIndexOf('\n') - 1 };
}

const ROOT = `events {}
http {
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    upstream app_backend { server 127.0.0.1:3000; }
    include conf.d/*.conf;
}
`;

async function withServer(files: Record<string, string>, settings: Record<string, unknown>, fn: (c: LspClient, path: (r: string) => string) => Promise<void>, snippets = true): Promise<void> {
  const tree = tempTree(files);
  const { client } = await LspClient.startWithCapabilities(
    { folders: [tree.dir], settings },
    { completion: { completionItem: { snippetSupport: snippets, documentationFormat: ['markdown'] } } },
  );
  try {
    await fn(client, tree.path);
  } finally {
    await client.stop();
    tree.remove();
  }
}

async function complete(c: LspClient, path: string, src: string, version = 1): Promise<{ items: CompletionItem[]; labels: string[] }> {
  const m = mark(src);
  if (version === 1) await c.open(path, m.text);
  else await c.change(path, m.text, version);
  const r = await c.requestAt<CompletionList | CompletionItem[] | null>('textDocument/completion', path, m.line, m.character);
  const items = Array.isArray(r) ? r : (r?.items ?? []);
  return { items, labels: items.map((i) => i.label) };
}

test('directives valid at the cursor, with snippets of their syntax', async () => {
  await withServer({ 'nginx.conf': ROOT, 'conf.d/app.conf': 'server {\n    listen 80;\n}\n' }, {}, async (c, p) => {
    const inLocation = await complete(c, p('conf.d/app.conf'), 'server {\n    listen 80;\n    location / {\n        prox|\n    }\n}\n');
    assert.ok(inLocation.labels.includes('proxy_pass'));
    assert.ok(inLocation.labels.includes('proxy_set_header'));
    assert.ok(!inLocation.labels.includes('server_name'), 'server_name is not allowed in a location');
    assert.ok(!inLocation.labels.includes('worker_processes'));
    assert.ok(!inLocation.labels.includes('upstream'));
    const pass = inLocation.items.find((i) => i.label === 'proxy_pass')!;
    assert.equal(pass.insertTextFormat, 2, 'a snippet');
    assert.equal((pass.textEdit as { newText: string }).newText, 'proxy_pass ${1:URL};$0');
    assert.deepEqual((pass.textEdit as { range: unknown }).range, { start: { line: 3, character: 8 }, end: { line: 3, character: 12 } });
    assert.equal(pass.documentation, undefined, 'documentation comes with completionItem/resolve');
    const resolved = await c.request<CompletionItem>('completionItem/resolve', pass);
    assert.match((resolved.documentation as { value: string }).value, /^\*\*proxy_pass\*\* — Sends the request/);
    assert.match((resolved.documentation as { value: string }).value, /nginx\.org\/en\/docs\/http\/ngx_http_proxy_module\.html#proxy_pass/);
    const gzip = inLocation.items.find((i) => i.label === 'gzip')!;
    assert.equal((gzip.textEdit as { newText: string }).newText, 'gzip ${1|on,off|};$0');

    const inServer = await complete(c, p('conf.d/app.conf'), 'server {\n    listen 80;\n    |\n}\n', 2);
    assert.ok(inServer.labels.includes('server_name'));
    const loc = inServer.items.find((i) => i.label === 'location')!;
    assert.equal((loc.textEdit as { newText: string }).newText, 'location ${1:uri} {\n\t$0\n}');
    assert.ok(inServer.labels.includes('include'), 'include is allowed everywhere');

    // Included from http: the file's top level is the http context.
    const top = await complete(c, p('conf.d/app.conf'), 'ups|\nserver {\n    listen 80;\n}\n', 3);
    assert.ok(top.labels.includes('upstream'));
    assert.ok(top.labels.includes('server'));
    assert.ok(!top.labels.includes('listen'));
  });
});

test('completion follows the configured nginx version', async () => {
  const files = { 'nginx.conf': 'events {}\nhttp {\n    server {\n        listen 80;\n    }\n}\n' };
  const src = 'events {}\nhttp {\n    server {\n        listen 80;\n        |\n    }\n}\n';
  const srcValue = 'events {}\nhttp {\n    server {\n        listen 80;\n        proxy_http_version |\n    }\n}\n';
  await withServer(files, { nginxVersion: '1.24.0' }, async (c, p) => {
    const old = await complete(c, p('nginx.conf'), src);
    assert.ok(!old.labels.includes('http2'), 'the http2 directive appeared in 1.25.1');
    const values = await complete(c, p('nginx.conf'), srcValue, 2);
    assert.deepEqual(values.labels.sort(), ['1.0', '1.1']);
  });
  await withServer(files, { nginxVersion: '1.29.7' }, async (c, p) => {
    const recent = await complete(c, p('nginx.conf'), src);
    assert.ok(recent.labels.includes('http2'));
    const values = await complete(c, p('nginx.conf'), srcValue, 2);
    assert.deepEqual(values.labels.sort(), ['1.0', '1.1', '2']);
  });
});

test('argument values: on/off and catalog enums, minus those already given', async () => {
  await withServer({ 'nginx.conf': ROOT }, {}, async (c, p) => {
    const flag = await complete(c, p('nginx.conf'), 'events {}\nhttp {\n    gzip |\n}\n');
    assert.deepEqual(flag.labels.sort(), ['off', 'on']);
    const partial = await complete(c, p('nginx.conf'), 'events {}\nhttp {\n    gzip o|\n}\n', 2);
    assert.deepEqual((partial.items[0]!.textEdit as { range: unknown }).range, { start: { line: 2, character: 9 }, end: { line: 2, character: 10 } });
    const protocols = await complete(c, p('nginx.conf'), 'events {}\nhttp {\n    ssl_protocols TLSv1.2 |\n}\n', 3);
    assert.ok(protocols.labels.includes('TLSv1.3'));
    assert.ok(!protocols.labels.includes('TLSv1.2'), 'already given');
    // Trigger characters: a space asks for values only, "{" for "${" only.
    const trig = async (src: string, ch: string, version: number): Promise<string[]> => {
      const m = mark(src);
      await c.change(p('nginx.conf'), m.text, version);
      const r = await c.requestAt<CompletionList>('textDocument/completion', p('nginx.conf'), m.line, m.character, { context: { triggerKind: 2, triggerCharacter: ch } });
      return r.items.map((i) => i.label);
    };
    assert.deepEqual((await trig('events {}\nhttp {\n    gzip |\n}\n', ' ', 4)).sort(), ['off', 'on']);
    assert.deepEqual(await trig('events {}\nhttp {\n     |\n}\n', ' ', 5), []);
    assert.deepEqual(await trig('events {}\nhttp {\n    server {|\n}\n', '{', 6), []);
    assert.ok((await trig('events {}\nhttp {\n    return 200 "${|";\n}\n', '{', 7)).includes('$host'));
  });
});

test('variables: built in for the family, and defined by the config (also in other files)', async () => {
  await withServer({ 'nginx.conf': ROOT, 'conf.d/app.conf': 'server {\n    listen 80;\n}\n' }, {}, async (c, p) => {
    const r = await complete(c, p('conf.d/app.conf'), 'server {\n    listen 80;\n    set $backend app;\n    location / {\n        proxy_set_header Connection $con|;\n    }\n}\n');
    const up = r.items.find((i) => i.label === '$connection_upgrade')!;
    assert.ok(up, 'defined by the map in nginx.conf');
    assert.match(up.detail!, /defined by map \(nginx\.conf:3\)/);
    assert.deepEqual(up.textEdit, { range: { start: { line: 4, character: 37 }, end: { line: 4, character: 40 } }, newText: 'connection_upgrade' });
    assert.ok(r.labels.includes('$backend'), 'set in this file');
    assert.ok(r.labels.includes('$host'));
    assert.ok(r.labels.includes('$http_'), 'prefix variables');
    assert.ok(!r.labels.includes('$ssl_preread_server_name'), 'a stream variable');

    const braced = await complete(c, p('conf.d/app.conf'), 'server {\n    listen 80;\n    return 200 "${ho|";\n}\n', 2);
    const host = braced.items.find((i) => i.label === '$host')!;
    assert.equal((host.textEdit as { newText: string }).newText, 'host}');
  });
});

test('upstream names after proxy_pass http://, named locations after @, schemes first', async () => {
  await withServer({ 'nginx.conf': ROOT, 'conf.d/app.conf': 'server {\n    listen 80;\n}\n' }, {}, async (c, p) => {
    const scheme = await complete(c, p('conf.d/app.conf'), 'server {\n    location / {\n        proxy_pass |\n    }\n}\n');
    assert.deepEqual(scheme.labels.sort(), ['http://', 'https://']);
    const ups = await complete(c, p('conf.d/app.conf'), 'server {\n    location / {\n        proxy_pass http://a|;\n    }\n}\n', 2);
    assert.deepEqual(ups.labels, ['app_backend']);
    assert.deepEqual((ups.items[0]!.textEdit as { range: unknown }).range, { start: { line: 2, character: 26 }, end: { line: 2, character: 27 } });
    const named = await complete(c, p('conf.d/app.conf'), 'server {\n    location / {\n        try_files $uri @|;\n    }\n    location @fallback {\n        return 404;\n    }\n}\n', 3);
    assert.deepEqual(named.labels, ['@fallback']);
  });
});

test('include paths relative to the conf dir, folders first, a glob for a folder of files', async () => {
  const files = { 'nginx.conf': ROOT, 'conf.d/a.conf': 'server { listen 81; }\n', 'conf.d/b.conf': 'server { listen 82; }\n', 'snippets/x.conf': '' };
  await withServer(files, {}, async (c, p) => {
    const top = await complete(c, p('nginx.conf'), 'events {}\nhttp {\n    include |\n}\n');
    assert.ok(top.labels.includes('conf.d/'));
    assert.ok(top.labels.includes('snippets/'));
    const inDir = await complete(c, p('nginx.conf'), 'events {}\nhttp {\n    include conf.d/|\n}\n', 2);
    assert.deepEqual(inDir.labels.sort(), ['*.conf', 'a.conf', 'b.conf']);
    const glob = inDir.items.find((i) => i.label === '*.conf')!;
    assert.match(glob.detail!, /2 files/);
    assert.deepEqual((glob.textEdit as { range: unknown }).range, { start: { line: 2, character: 19 }, end: { line: 2, character: 19 } });
  });
});

test('without snippet support the name alone is inserted; nothing in comments or Lua', async () => {
  await withServer({ 'nginx.conf': ROOT }, {}, async (c, p) => {
    const r = await complete(c, p('nginx.conf'), 'events {}\nhttp {\n    gz|\n}\n');
    const gzip = r.items.find((i) => i.label === 'gzip')!;
    assert.equal(gzip.insertTextFormat, undefined);
    assert.equal((gzip.textEdit as { newText: string }).newText, 'gzip');
    const comment = await complete(c, p('nginx.conf'), 'events {}\nhttp {\n    # gz|\n}\n', 2);
    assert.deepEqual(comment.labels, []);
    const lua = await complete(c, p('nginx.conf'), 'events {}\nhttp {\n    server {\n        location / {\n            content_by_lua_block {\n                ngx.say(|)\n            }\n        }\n    }\n}\n', 3);
    assert.deepEqual(lua.labels, []);
  }, false);
});
