// `nginx-doctor fix` as a writer of files it did not create: planted links, symlinked and
// hard-linked configs, owner/group/mode, bytes that are not UTF-8 (docs/security.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, linkSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, FIXTURES } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';

const original = readFileSync(join(FIXTURES, 'cli', 'fixable', 'nginx.conf'), 'utf8');
const run = (cwd: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const isFixed = (text: string): boolean => /proxy_set_header Connection "";/.test(text) && /proxy_http_version 1\.1;/.test(text.split('location /ws/')[0]!);

test('fix never writes through a link planted at the old temp name (and leaves no temp file)', () => {
  const tree = tempTree({ 'repo/nginx.conf': original, 'home/.bashrc': 'export PATH=/usr/bin\n' });
  try {
    symlinkSync(tree.path('home/.bashrc'), tree.path('repo/nginx.conf.nginx-doctor.tmp'));
    const r = run(tree.path('repo'), 'fix', '--nginx-version', '1.24.0', 'nginx.conf');
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(tree.path('home/.bashrc'), 'utf8'), 'export PATH=/usr/bin\n', 'the link target is untouched');
    assert.ok(lstatSync(tree.path('repo/nginx.conf.nginx-doctor.tmp')).isSymbolicLink(), 'the planted link is left alone');
    assert.ok(isFixed(readFileSync(tree.path('repo/nginx.conf'), 'utf8')));
    assert.deepEqual(readdirSync(tree.path('repo')).sort(), ['nginx.conf', 'nginx.conf.nginx-doctor.tmp'], 'no temp file left behind');
  } finally {
    tree.remove();
  }
});

test('a symlinked config (sites-enabled -> sites-available) is fixed at its target; the link stays a link; mode and owner are kept', () => {
  const site = 'server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:3001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n    }\n}\n';
  const tree = tempTree({ 'nginx.conf': 'events {}\nhttp {\n    include sites-enabled/*;\n}\n', 'sites-available/app': site });
  try {
    mkdirSync(tree.path('sites-enabled'));
    symlinkSync('../sites-available/app', tree.path('sites-enabled/app'));
    chmodSync(tree.path('sites-available/app'), 0o640);
    const root = process.getuid?.() === 0;
    if (root) chownSync(tree.path('sites-available/app'), 4321, 4322);
    const r = run(tree.dir, 'fix', '--nginx-version', '1.24.0', 'sites-enabled/app');
    assert.equal(r.code, 0, r.err);
    assert.ok(lstatSync(tree.path('sites-enabled/app')).isSymbolicLink(), 'the link is still a link');
    assert.equal(readlinkSync(tree.path('sites-enabled/app')), '../sites-available/app');
    const fixed = readFileSync(tree.path('sites-available/app'), 'utf8');
    assert.match(fixed, /proxy_read_timeout 3600s;/, 'the real file got the fix');
    const st = statSync(tree.path('sites-available/app'));
    assert.equal(st.mode & 0o7777, 0o640);
    if (root) assert.deepEqual([st.uid, st.gid], [4321, 4322]);
    assert.match(r.err, /sites-enabled\/app is a link: wrote its target .*sites-available\/app/);
  } finally {
    tree.remove();
  }
});

test('a hard-linked config is edited in place: both names still share one file', () => {
  const tree = tempTree({ 'nginx.conf': original });
  try {
    linkSync(tree.path('nginx.conf'), tree.path('backup.conf'));
    const r = run(tree.dir, 'fix', '--nginx-version', '1.24.0', 'nginx.conf');
    assert.equal(r.code, 0, r.err);
    const a = statSync(tree.path('nginx.conf'));
    const b = statSync(tree.path('backup.conf'));
    assert.equal(a.ino, b.ino, 'not split into two files');
    assert.equal(a.nlink, 2);
    assert.ok(isFixed(readFileSync(tree.path('backup.conf'), 'utf8')));
    assert.match(r.err, /nginx\.conf has 2 hard links: edited in place/);
  } finally {
    tree.remove();
  }
});

test('fix keeps bytes that are not UTF-8 (Latin-1 comments, \\xE9, \\xFF) exactly', () => {
  const tree = tempTree({});
  try {
    const latin1 = Buffer.concat([
      Buffer.from('# caf'), Buffer.from([0xe9, 0x20, 0xff, 0xfe, 0xc3]), Buffer.from('\n'),
      Buffer.from(original.replace('location / {', 'location / { # r')),
    ]);
    const withBytes = Buffer.concat([latin1.subarray(0, latin1.indexOf('# r') + 3), Buffer.from([0xe9, 0x80, 0xed, 0xa0, 0x80]), latin1.subarray(latin1.indexOf('# r') + 3)]);
    writeFileSync(tree.path('nginx.conf'), withBytes);
    const r = run(tree.dir, 'fix', '--nginx-version', '1.24.0', 'nginx.conf');
    assert.equal(r.code, 0, r.err);
    const after = readFileSync(tree.path('nginx.conf'));
    const head = withBytes.subarray(0, withBytes.indexOf('\n') + 1);
    assert.deepEqual(after.subarray(0, head.length), head, 'the Latin-1 comment line is byte-identical');
    assert.ok(after.includes(Buffer.from([0x23, 0x20, 0x72, 0xe9, 0x80, 0xed, 0xa0, 0x80])), 'invalid UTF-8 inside a comment is byte-identical');
    assert.ok(isFixed(after.toString('latin1')));
  } finally {
    tree.remove();
  }
});

test('a fix that adds lines at the top of a file inserts them after its byte order mark (found by the fix-files fuzz tier)', () => {
  const site = 'server {\n    listen 80;\n    location /ws/ {\n        proxy_pass http://127.0.0.1:3001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n    }\n}\n';
  const tree = tempTree({ 'conf.d/site.conf': `\ufeff${site}` });
  try {
    run(tree.dir, 'fix', '--nginx-version', '1.24.0', 'conf.d/site.conf');
    const after = readFileSync(tree.path('conf.d/site.conf'), 'utf8');
    assert.match(after, /^\ufeffmap \$http_upgrade \$connection_upgrade \{/);
    assert.equal(after.split('\ufeff').length, 2, 'one BOM, at the start');
  } finally {
    tree.remove();
  }
});
