// The language server over stdio with a real client connection: diagnostics for open documents
// and their include graphs, live edits, unsaved buffers, snippets, disk changes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LspClient, messageText } from '../helpers/lsp-client';
import { CodeActionRequest, type CodeAction, type Diagnostic } from 'vscode-languageserver-protocol';
import { pathToFileURL } from 'node:url';
import { tempTree } from '../helpers/temp-tree';
import { CLI } from '../helpers/repo';

const ROOT = `events {}
http {
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    include conf.d/*.conf;
    server {
        listen 8080;
        include snippets/ws.conf;
    }
}
`;
const APP = `server {
    listen 8081;
    gzip yes;
}
`;
const WS = `location /ws {
    proxy_pass http://127.0.0.1:9000;
    proxy_set_header Connection $connection_upgrade;
}
`;

// Errors only: the proxy rules add warnings and hints these tests are not about.
const messages = (d: Diagnostic[]): string[] => d.filter((x) => x.severity === 1).map(messageText).sort();

test('diagnostics reach every file of the include graph, and follow edits', async () => {
  const tree = tempTree({ 'nginx.conf': ROOT, 'conf.d/app.conf': APP, 'snippets/ws.conf': WS });
  const { client, init } = await LspClient.start({ folders: [tree.dir] });
  try {
    assert.equal(init.serverInfo?.name, 'nginx-doctor');
    await client.open(tree.path('nginx.conf'), ROOT);
    const app = await client.waitForDiagnostics(tree.path('conf.d/app.conf'), (d) => d.length > 0);
    assert.deepEqual(messages(app), ['invalid value "yes" in "gzip" directive, it must be "on" or "off"']);
    assert.equal(app[0]!.range.start.line, 2);
    assert.equal(app[0]!.code, 'invalid-flag-value');

    // A typo in the open root is reported, then fixed by the next edit.
    const broken = ROOT.replace('listen 8080;', 'lisen 8080;');
    await client.change(tree.path('nginx.conf'), broken, 2);
    const root = await client.waitForDiagnostics(tree.path('nginx.conf'), (d) => d.length === 1);
    assert.match(messageText(root[0]!), /^unknown directive "lisen"; did you mean "listen"\?$/);
    await client.change(tree.path('nginx.conf'), ROOT, 3);
    await client.waitForDiagnostics(tree.path('nginx.conf'), (d) => d.length === 0, 'cleared diagnostics');
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('an included snippet is checked in its root context, an unsaved buffer wins over disk', async () => {
  const tree = tempTree({ 'nginx.conf': ROOT, 'conf.d/app.conf': 'server { listen 8081; }\n', 'snippets/ws.conf': WS });
  const { client } = await LspClient.start({ folders: [tree.dir] });
  try {
    // $connection_upgrade comes from the root's map: fine in the root's context.
    await client.open(tree.path('snippets/ws.conf'), WS);
    const ws = await client.waitForDiagnostics(tree.path('snippets/ws.conf'), () => true);
    assert.deepEqual(messages(ws), []);
    // Edit the snippet without saving: the root's analysis must see the buffer, not the disk.
    await client.change(tree.path('snippets/ws.conf'), WS.replace('proxy_pass', 'proxy_passs'), 2);
    const edited = await client.waitForDiagnostics(tree.path('snippets/ws.conf'), (d) => messages(d).length === 1);
    assert.match(messageText(edited[0]!), /unknown directive "proxy_passs"/);
    assert.equal(client.messages.length, 0, 'no "checked alone" notice for an included snippet');
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('a snippet no root includes is checked alone in an inferred context, and the user is told once', async () => {
  const tree = tempTree({ 'sites/a.conf': WS, 'sites/b.conf': WS });
  const { client } = await LspClient.start({ folders: [tree.dir] });
  try {
    await client.open(tree.path('sites/a.conf'), WS);
    const a = await client.waitForDiagnostics(tree.path('sites/a.conf'), (d) => messages(d).length > 0);
    // Without the root's map the variable is unknown; the location is fine in an inferred server context.
    assert.deepEqual(messages(a), ['unknown "connection_upgrade" variable']);
    await client.waitFor('notice', () => client.messages.length > 0);
    assert.match(client.messages[0]!, /as if it were inside "server \{ \}"/);
    await client.open(tree.path('sites/b.conf'), WS);
    await client.waitForDiagnostics(tree.path('sites/b.conf'), (d) => d.length > 0);
    assert.equal(client.messages.length, 1, 'told once per session');
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('changes on disk to an included file re-analyse the open root', async () => {
  const tree = tempTree({ 'nginx.conf': ROOT, 'conf.d/app.conf': 'server { listen 8081; }\n', 'snippets/ws.conf': WS });
  const { client } = await LspClient.start({ folders: [tree.dir] });
  try {
    await client.open(tree.path('nginx.conf'), ROOT);
    await client.waitForDiagnostics(tree.path('nginx.conf'), (d) => messages(d).length === 0);
    tree.write('conf.d/app.conf', APP);
    await client.filesChanged([{ path: tree.path('conf.d/app.conf'), type: 2 }]);
    await client.waitForDiagnostics(tree.path('conf.d/app.conf'), (d) => d.length === 1);
    tree.write('conf.d/new.conf', 'server { listen 8082; proxy_pass http://x; }\n');
    await client.filesChanged([{ path: tree.path('conf.d/new.conf'), type: 1 }]);
    const added = (await client.waitForDiagnostics(tree.path('conf.d/new.conf'), (d) => messages(d).length === 1)).filter((x) => x.severity === 1);
    assert.match(messageText(added[0]!), /"proxy_pass" directive is not allowed here/);
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('`nginx-doctor lsp --stdio` serves the same language server', async () => {
  const tree = tempTree({ 'nginx.conf': 'events {}\nhttp { server { listen 80; gzip maybe; } }\n' });
  const { client, init } = await LspClient.start({ folders: [tree.dir], command: [CLI, 'lsp', '--stdio'] });
  try {
    assert.equal(init.serverInfo?.name, 'nginx-doctor');
    await client.open(tree.path('nginx.conf'), 'events {}\nhttp { server { listen 80; gzip maybe; } }\n');
    const d = await client.waitForDiagnostics(tree.path('nginx.conf'), (x) => x.length === 1);
    assert.equal(d[0]!.code, 'invalid-flag-value');
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('multi-root workspaces: each folder has its own roots, settings severities apply', async () => {
  const a = tempTree({ 'nginx.conf': 'events {}\nhttp { include sites/*.conf; }\n', 'sites/x.conf': 'server { listen 80; gzip yes; }\n' });
  const b = tempTree({ 'etc/nginx.conf': 'events {}\nhttp { include /dev/null/none.conf; }\n' });
  const { client } = await LspClient.start({ folders: [a.dir, b.dir], settings: { rules: { 'invalid-flag-value': 'warning' } } });
  try {
    await client.open(a.path('sites/x.conf'), 'server { listen 80; gzip yes; }\n');
    const x = await client.waitForDiagnostics(a.path('sites/x.conf'), (d) => d.length === 1);
    assert.equal(x[0]!.severity, 2, 'warning, from the rules setting');
    await client.open(b.path('etc/nginx.conf'), 'events {}\nhttp { include /dev/null/none.conf; }\n');
    const y = await client.waitForDiagnostics(b.path('etc/nginx.conf'), (d) => d.length === 1);
    assert.equal(y[0]!.code, 'include-not-found');
    assert.equal(client.messages.length, 0, 'x.conf was found through the root of its own folder');
  } finally {
    await client.stop();
    a.remove();
    b.remove();
  }
});

test('quick fixes come as code actions, with a fix-all source action', async () => {
  const text = 'events {}\nhttp {\n    upstream app { server 127.0.0.1:3000; keepalive 8; }\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://app;\n        }\n    }\n}\n';
  const tree = tempTree({ 'nginx.conf': text });
  const { client } = await LspClient.start({ folders: [tree.dir], settings: { nginxVersion: '1.24.0' } });
  try {
    await client.open(tree.path('nginx.conf'), text);
    const diags = await client.waitForDiagnostics(tree.path('nginx.conf'), (d) => d.some((x) => x.code === 'keepalive-without-http11'));
    const target = diags.find((x) => x.code === 'keepalive-without-http11')!;
    const uri = pathToFileURL(tree.path('nginx.conf')).href;
    const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: target.range, context: { diagnostics: [target] } })) as CodeAction[];
    // HTTP/1.0 and "Connection: close" are one mistake: one diagnostic, one fix with both lines in order
    assert.ok(!diags.some((x) => x.code === 'keepalive-connection-header'), 'no second diagnostic for the same mistake');
    const fix = actions.find((a) => a.title === 'Add proxy_http_version 1.1 and proxy_set_header Connection ""')!;
    assert.ok(fix, `actions: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(fix.isPreferred, true);
    const edit = fix.edit!.changes![uri]![0]!;
    assert.deepEqual([edit.range.start, edit.newText], [{ line: 7, character: 0 }, '            proxy_http_version 1.1;\n            proxy_set_header Connection "";\n']);
    assert.ok(actions.some((a) => a.title === 'Disable keepalive-without-http11 for this line'));
    const all = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: target.range, context: { diagnostics: [], only: ['source.fixAll'] } })) as CodeAction[];
    assert.equal(all.length, 1);
    assert.match(all[0]!.title, /^Fix all nginx-doctor problems in this file \(\d+\)$/);
    const newText = all[0]!.edit!.changes![uri]![0]!.newText;
    for (const line of ['proxy_http_version 1.1;', 'proxy_set_header Connection "";', 'proxy_set_header Host $host;']) {
      assert.ok(newText.includes(`            ${line}\n`), `fix-all adds ${line}`);
    }
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('Ctrl+. (an invoked request) on a fixable problem also offers Fix all, as a quick fix; the automatic requests of the lightbulb do not', async () => {
  // two fixable problems: keepalive-without-http11 and upstream-host-header
  const text = 'events {}\nhttp {\n    upstream app { server 127.0.0.1:3000; keepalive 8; }\n    server {\n        listen 80;\n        location / {\n            proxy_pass http://app;\n        }\n    }\n}\n';
  const tree = tempTree({ 'nginx.conf': text });
  const { client } = await LspClient.start({ folders: [tree.dir], settings: { nginxVersion: '1.24.0' } });
  try {
    await client.open(tree.path('nginx.conf'), text);
    const diags = await client.waitForDiagnostics(tree.path('nginx.conf'), (d) => d.some((x) => x.code === 'keepalive-without-http11'));
    const target = diags.find((x) => x.code === 'keepalive-without-http11')!;
    const uri = pathToFileURL(tree.path('nginx.conf')).href;
    const ask = async (triggerKind: 1 | 2): Promise<CodeAction[]> =>
      (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: target.range, context: { diagnostics: [target], only: ['quickfix'], triggerKind } })) as CodeAction[];
    const invoked = await ask(1);
    const fixAll = invoked.filter((a) => /^Fix all nginx-doctor problems in this file \(\d+\)$/.test(a.title));
    assert.equal(fixAll.length, 1, `actions: ${invoked.map((a) => a.title).join(' | ')}`);
    assert.equal(fixAll[0]!.kind, 'quickfix');
    assert.ok(Number(/\((\d+)\)/.exec(fixAll[0]!.title)![1]) >= 2, fixAll[0]!.title);
    assert.ok(invoked.some((a) => a.title === 'Add proxy_http_version 1.1 and proxy_set_header Connection ""'), 'the fix of the problem comes too');
    const automatic = await ask(2);
    assert.ok(!automatic.some((a) => a.title.startsWith('Fix all')), `automatic: ${automatic.map((a) => a.title).join(' | ')}`);
    assert.ok(automatic.some((a) => a.title === 'Add proxy_http_version 1.1 and proxy_set_header Connection ""'));
  } finally {
    await client.stop();
    tree.remove();
  }
});
