// Glob bombs (docs/security.md): links back up the tree and fan-out through links, from the CLI,
// the language server and the core, each against a deadline. Before the visited set and the caps,
// three links `a`, `b`, `c` -> `.` with `include */*/*/*/*/*/*/*/*/*/*/*.inc;` made `check` run
// 26 s, use 700 MB and die with "Maximum call stack size exceeded" (exit 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { analyze, defaultCatalog, INCLUDE_LIMITS } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { LspClient } from '../helpers/lsp-client';
import { CLI } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';

const BOMB = 'events {}\nhttp {\n    include */*/*/*/*/*/*/*/*/*/*/*.inc;\n}\n';

function bombTree(): ReturnType<typeof tempTree> {
  const tree = tempTree({ 'nginx.conf': BOMB, 'x.inc': 'server_tokens off;\n' });
  for (const l of ['a', 'b', 'c']) symlinkSync('.', tree.path(l));
  return tree;
}

test('check: three links to "." under an 11-level glob is one include-cycle error, within a deadline', () => {
  const tree = bombTree();
  try {
    const r = spawnSync(process.execPath, ['--max-old-space-size=256', CLI, 'check', 'nginx.conf'], { cwd: tree.dir, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.signal, null, 'check did not finish within 20 s');
    assert.doesNotMatch(r.stderr, /Maximum call stack/);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^nginx\.conf:3:13: error \[include-cycle\] include "\*\/\*\/\*\/\*\/\*\/\*\/\*\/\*\/\*\/\*\/\*\/\*\.inc" loops: "a" is a directory it already lists \(a link back up the tree, and 2 more\); each directory is read once$/m);
  } finally {
    tree.remove();
  }
});

test('the language server answers on a glob bomb: diagnostics on the include line, then a hover', async () => {
  const tree = bombTree();
  const { client } = await LspClient.start({ folders: [tree.dir] });
  try {
    const root = tree.path('nginx.conf');
    await client.open(root, BOMB);
    const diags = await client.waitForDiagnostics(root, (d) => d.length > 0);
    assert.ok(diags.some((d) => d.code === 'include-cycle' && d.range.start.line === 2), JSON.stringify(diags));
    const hover = await client.requestAt<{ contents: { value: string } } | null>('textDocument/hover', root, 2, 6);
    assert.ok(hover && /include/.test(hover.contents.value));
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('fan-out through links to one directory is listed once and reported; the caps cut an include with a warning on its line', () => {
  const tree = tempTree({ 'd2/f.conf': 'server { listen 81; return 204; }\n' });
  try {
    mkdirSync(tree.path('d0'));
    mkdirSync(tree.path('d1'));
    for (let i = 0; i < 5; i++) {
      symlinkSync('../d1', tree.path(`d0/x${i}`));
      symlinkSync('../d2', tree.path(`d1/y${i}`));
    }
    for (let i = 0; i < 6; i++) writeFileSync(tree.path(`d2/s${i}.conf`), `server { listen ${9000 + i}; return 204; }\n`);
    const run = (conf: string, limits = INCLUDE_LIMITS) => {
      writeFileSync(tree.path('nginx.conf'), conf);
      return analyze(tree.path('nginx.conf'), { host: new DiskHost(), catalog: defaultCatalog(), limits });
    };
    const fan = run('events {}\nhttp {\n    include d0/*/*/f.conf;\n}\n');
    assert.deepEqual(fan.set.includes[0]!.files, [tree.path('d0/x0/y0/f.conf')], 'one directory, one listing (was 25 paths)');
    assert.deepEqual(fan.diagnostics.map((d) => `${d.code}: ${d.message}`), [
      'include-limit: include "d0/*/*/f.conf" reaches "d0/x1" through a second link (and 7 more); nginx reads such a directory once per link, nginx-doctor once',
    ]);
    const capped = run('events {}\nhttp {\n    include d2/s*.conf;\n}\n', { ...INCLUDE_LIMITS, globMatches: 4 });
    assert.equal(capped.set.includes[0]!.files.length, 4);
    assert.deepEqual(capped.diagnostics.map((d) => d.code), ['include-limit']);
    const files = run('events {}\nhttp {\n    include d2/s0.conf;\n    include d2/s*.conf;\n}\n', { ...INCLUDE_LIMITS, unitFiles: 3 });
    assert.deepEqual(files.diagnostics.map((d) => d.message), ['this config includes more than 3 distinct files; "d2/s*.conf" and the includes after it were not checked']);
    assert.equal(files.diagnostics[0]!.start, 'events {}\nhttp {\n    include d2/s0.conf;\n    include '.length, 'on the include line that hit the cap');
  } finally {
    tree.remove();
  }
});
