// `nginx-doctor fix`: applies the quick fixes the editor offers, writes files or prints a diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, FIXTURES } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';

const original = readFileSync(join(FIXTURES, 'cli', 'fixable', 'nginx.conf'), 'utf8');
const run = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('fix --dry-run prints a unified diff and leaves the file alone', () => {
  const tree = tempTree({ 'nginx.conf': original });
  try {
    const r = run(tree.dir, 'fix', '--dry-run', '--nginx-version', '1.24.0', 'nginx.conf');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^--- nginx\.conf\n\+\+\+ nginx\.conf\n@@ /);
    assert.match(r.out, /^\+ {12}proxy_http_version 1\.1;$/m);
    assert.match(r.out, /^- {12}proxy_set_header Connection "upgrade";$/m);
    // keepalive without HTTP/1.1 and with Connection: close is one mistake with one fix
    assert.match(r.err, /would apply 4 fixes in 1 file; 0 problems left/);
    assert.equal(readFileSync(tree.path('nginx.conf'), 'utf8'), original);
  } finally {
    tree.remove();
  }
});

test('fix writes the fixes; running it again changes nothing', () => {
  const tree = tempTree({ 'nginx.conf': original.replace(/\n/g, '\r\n') });
  try {
    const r = run(tree.dir, 'fix', '--nginx-version', '1.24.0', 'nginx.conf');
    assert.equal(r.code, 0, r.err);
    const fixed = readFileSync(tree.path('nginx.conf'), 'utf8');
    assert.match(fixed, /location \/ \{\r\n {12}proxy_pass http:\/\/app;\r\n {12}proxy_set_header Host \$host;\r\n {12}proxy_http_version 1\.1;\r\n {12}proxy_set_header Connection "";\r\n/);
    assert.ok(!/[^\r]\n/.test(fixed), 'CRLF line endings kept');
    const again = run(tree.dir, 'fix', '--nginx-version', '1.24.0', 'nginx.conf');
    assert.match(again.err, /applied 0 fixes in 0 files; 0 problems left/);
    assert.equal(readFileSync(tree.path('nginx.conf'), 'utf8'), fixed);
    assert.equal(run(tree.dir, 'check', '--nginx-version', '1.24.0', 'nginx.conf').out, '');
  } finally {
    tree.remove();
  }
});

test('fix exits 1 when errors without a fix remain, 2 on a missing file', () => {
  const tree = tempTree({ 'nginx.conf': 'events {}\nhttp { server { lisen 80; } }\n' });
  try {
    assert.equal(run(tree.dir, 'fix', 'nginx.conf').code, 1);
    const missing = run(tree.dir, 'fix', 'nope.conf');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read "nope.conf"/);
  } finally {
    tree.remove();
  }
});
