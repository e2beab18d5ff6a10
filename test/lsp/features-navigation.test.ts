// Navigation over stdio across an include graph: go to definition and find references for
// upstreams, named locations and variables; include links (a glob links its first match, the
// tooltip lists all, definition returns all); renaming an upstream in every file that uses it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentLink, Location, Range, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';

const ROOT = `events {}
http {
    map $http_upgrade $connection_upgrade { default upgrade; '' close; }
    upstream app { server 127.0.0.1:3000; }
    include conf.d/*.conf;
}
`;
const A = `server {
    listen 80;
    location / {
        proxy_pass http://app;
        proxy_set_header Connection $connection_upgrade;
        try_files $uri @fallback;
        error_page 502 = @fallback;
    }
    location @fallback {
        proxy_pass http://app/fallback;
    }
}
`;
const B = `server {
    listen 81;
    set $target app;
    location / {
        proxy_pass http://app:8080;
        add_header X-Target $target;
        add_header X-Target-Again "\${target}";
    }
    location @fallback {
        return 404;
    }
}
`;

function at(text: string, needle: string, delta = 0): { line: number; character: number } {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i + delta);
  return { line: before.split('\n').length - 1, character: before.length - before.lastIndexOf('\n') - 1 };
}

function where(locs: Location[], base: string): string[] {
  return locs.map((l) => `${l.uri.slice(base.length + 8)}:${l.range.start.line}:${l.range.start.character}-${l.range.end.character}`).sort();
}

async function setup(): Promise<{ client: LspClient; tree: ReturnType<typeof tempTree> }> {
  const tree = tempTree({ 'nginx.conf': ROOT, 'conf.d/a.conf': A, 'conf.d/b.conf': B });
  const { client } = await LspClient.start({ folders: [tree.dir] });
  await client.open(tree.path('conf.d/a.conf'), A);
  await client.waitForDiagnostics(tree.path('conf.d/a.conf'), () => true);
  return { client, tree };
}

test('definition and references: upstream, named location, variables', async () => {
  const { client, tree } = await setup();
  const a = tree.path('conf.d/a.conf');
  const base = tree.dir;
  try {
    const p = at(A, 'http://app;', 8);
    const def = await client.requestAt<Location[]>('textDocument/definition', a, p.line, p.character);
    assert.deepEqual(where(def, base), ['nginx.conf:3:13-16']);
    const refs = await client.requestAt<Location[]>('textDocument/references', a, p.line, p.character, { context: { includeDeclaration: true } });
    assert.deepEqual(where(refs, base), ['conf.d/a.conf:3:26-29', 'conf.d/a.conf:9:26-29', 'conf.d/b.conf:4:26-29', 'nginx.conf:3:13-16']);
    const noDecl = await client.requestAt<Location[]>('textDocument/references', a, p.line, p.character, { context: { includeDeclaration: false } });
    assert.equal(noDecl.length, 3);

    // Named locations are per server: a.conf's @fallback, not b.conf's.
    const n = at(A, '@fallback;', 1);
    const ndef = await client.requestAt<Location[]>('textDocument/definition', a, n.line, n.character);
    assert.deepEqual(where(ndef, base), ['conf.d/a.conf:8:13-22']);
    const nrefs = await client.requestAt<Location[]>('textDocument/references', a, 8, 15, { context: { includeDeclaration: false } });
    assert.deepEqual(where(nrefs, base), ['conf.d/a.conf:5:23-32', 'conf.d/a.conf:6:25-34']);

    // A variable defined by a map in another file.
    const v = at(A, '$connection_upgrade', 3);
    const vdef = await client.requestAt<Location[]>('textDocument/definition', a, v.line, v.character);
    assert.deepEqual(where(vdef, base), ['nginx.conf:2:23-41']);

    // set $target, used as $target and ${target}.
    await client.open(tree.path('conf.d/b.conf'), B);
    const t = at(B, '$target;', 2);
    const tdef = await client.requestAt<Location[]>('textDocument/definition', tree.path('conf.d/b.conf'), t.line, t.character);
    assert.deepEqual(where(tdef, base), ['conf.d/b.conf:2:9-15']);
    const trefs = await client.requestAt<Location[]>('textDocument/references', tree.path('conf.d/b.conf'), 2, 10, { context: { includeDeclaration: true } });
    assert.deepEqual(where(trefs, base), ['conf.d/b.conf:2:9-15', 'conf.d/b.conf:5:29-35', 'conf.d/b.conf:6:37-43']);
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('include: a link to the first match with every match in the tooltip, definition lists all', async () => {
  const { client, tree } = await setup();
  const root = tree.path('nginx.conf');
  try {
    await client.open(root, ROOT);
    const links = await client.request<DocumentLink[]>('textDocument/documentLink', { textDocument: { uri: client.uri(root) } });
    assert.equal(links.length, 1);
    assert.deepEqual(links[0]!.range, { start: { line: 4, character: 12 }, end: { line: 4, character: 25 } });
    assert.equal(links[0]!.target, client.uri(tree.path('conf.d/a.conf')));
    assert.match(links[0]!.tooltip!, /^2 files match \(nginx reads them in this order\): conf\.d\/a\.conf, conf\.d\/b\.conf\. Opens the first; Go to Definition lists all\.$/);
    const defs = await client.requestAt<Location[]>('textDocument/definition', root, 4, 16);
    assert.deepEqual(defs.map((d) => d.uri), [client.uri(tree.path('conf.d/a.conf')), client.uri(tree.path('conf.d/b.conf'))]);
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('rename an upstream across the include graph; invalid names and other symbols are refused', async () => {
  const { client, tree } = await setup();
  const a = tree.path('conf.d/a.conf');
  try {
    const p = at(A, 'http://app;', 8);
    const prep = await client.requestAt<{ range: Range; placeholder: string }>('textDocument/prepareRename', a, p.line, p.character);
    assert.deepEqual(prep, { range: { start: { line: 3, character: 26 }, end: { line: 3, character: 29 } }, placeholder: 'app' });
    const edit = await client.requestAt<WorkspaceEdit>('textDocument/rename', a, p.line, p.character, { newName: 'api_v2' });
    const files = Object.keys(edit.changes!).map((u) => u.slice(client.uri(tree.dir).length + 1)).sort();
    assert.deepEqual(files, ['conf.d/a.conf', 'conf.d/b.conf', 'nginx.conf']);
    const all = Object.values(edit.changes!).flat();
    assert.equal(all.length, 4);
    assert.ok(all.every((e) => e.newText === 'api_v2'));
    const b = edit.changes![client.uri(tree.path('conf.d/b.conf'))]!;
    assert.deepEqual(b[0]!.range, { start: { line: 4, character: 26 }, end: { line: 4, character: 29 } }, 'the port stays');

    await assert.rejects(client.requestAt('textDocument/rename', a, p.line, p.character, { newName: 'bad name' }), /not a valid upstream name/);
    const listen = at(A, 'listen 80', 8);
    await assert.rejects(client.requestAt('textDocument/prepareRename', a, listen.line, listen.character), /Only upstream names and named locations/);

    const n = at(A, '@fallback;', 1);
    const named = await client.requestAt<WorkspaceEdit>('textDocument/rename', a, n.line, n.character, { newName: '@backup' });
    assert.equal(Object.values(named.changes!).flat().length, 3, 'two uses and the location, in this server only');
  } finally {
    await client.stop();
    tree.remove();
  }
});
