// host/safe-write.ts: a file that changed between read and write, or is read-only, is not written;
// host/bytes.ts: any bytes survive a decode/encode round trip.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, readFileSync, renameSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { DiskHost } from '../../server/src/host/disk-host';
import { writeFileSafely, type FileSnapshot } from '../../server/src/host/safe-write';
import { decodeBytes, encodeText } from '../../server/src/host/bytes';
import { saveDump } from '../../server/src/host/save-dump';
import { tempTree } from '../helpers/temp-tree';

function snapshotOf(path: string): FileSnapshot {
  let snap: FileSnapshot | undefined;
  new DiskHost((_p, s) => (snap = s)).readFile(path);
  assert.ok(snap);
  return snap;
}

test('a file changed on disk between read and write is not overwritten (same size and mtime too)', () => {
  const tree = tempTree({ 'a.conf': 'worker_processes 1;\n', 'b.conf': 'worker_processes 1;\n' });
  try {
    // edited in the same second, same length: only the bytes tell
    const a = tree.path('a.conf');
    utimesSync(a, 1_700_000_000, 1_700_000_000);
    const snap = snapshotOf(a);
    writeFileSync(a, 'worker_processes 2;\n');
    utimesSync(a, 1_700_000_000, 1_700_000_000);
    assert.equal(statSync(a).mtimeMs, snap.mtimeMs);
    const r = writeFileSafely(a, Buffer.from('worker_processes auto;\n'), snap);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.message : '', /changed on disk since nginx-doctor read it \(its contents changed\); not written/);
    assert.equal(readFileSync(a, 'utf8'), 'worker_processes 2;\n', 'the concurrent edit is kept');

    // replaced by another file (an editor's save-by-rename)
    const b = tree.path('b.conf');
    const snapB = snapshotOf(b);
    writeFileSync(tree.path('b.new'), 'worker_processes 1;\n');
    renameSync(tree.path('b.new'), b);
    const rb = writeFileSafely(b, Buffer.from('worker_processes auto;\n'), snapB);
    assert.equal(rb.ok, false);
    assert.match(!rb.ok ? rb.message : '', /it was replaced by another file/);
  } finally {
    tree.remove();
  }
});

test('an unchanged file is replaced; a read-only one is refused with its mode', () => {
  const tree = tempTree({ 'a.conf': 'worker_processes 1;\n', 'ro.conf': 'worker_processes 1;\n' });
  try {
    const a = tree.path('a.conf');
    const r = writeFileSafely(a, Buffer.from('worker_processes auto;\n'), snapshotOf(a));
    assert.deepEqual(r, { ok: true, path: a, how: 'replaced' });
    assert.equal(readFileSync(a, 'utf8'), 'worker_processes auto;\n');
    const ro = tree.path('ro.conf');
    chmodSync(ro, 0o444);
    const rr = writeFileSafely(ro, Buffer.from('x;\n'), snapshotOf(ro));
    assert.match(!rr.ok ? rr.message : '', /is read-only \(mode 0444\); not written/);
    assert.equal(readFileSync(ro, 'utf8'), 'worker_processes 1;\n');
  } finally {
    tree.remove();
  }
});

test('decodeBytes/encodeText: every byte string survives; valid UTF-8 decodes as UTF-8', () => {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x80000000;
  for (let i = 0; i < 2000; i++) {
    const bytes = Buffer.from(Array.from({ length: Math.floor(rnd() * 40) }, () => (rnd() < 0.5 ? 0x80 + Math.floor(rnd() * 128) : Math.floor(rnd() * 256))));
    const text = decodeBytes(bytes);
    assert.deepEqual(encodeText(text), bytes, bytes.toString('hex'));
    assert.deepEqual(encodeText(text + 'é🙂'), Buffer.concat([bytes, Buffer.from('é🙂')]), 'new text is UTF-8');
  }
  assert.equal(decodeBytes(Buffer.from('caf\u00e9 🙂')), 'caf\u00e9 🙂');
  assert.equal(decodeBytes(Buffer.from([0x63, 0xe9, 0x41])), 'c\udce9A');
  assert.equal(decodeBytes(Buffer.from([0xef, 0xbb, 0xbf, 0x41])), '\ufeffA', 'the BOM is kept as a character');
});

test('doctor --save-config copies replace a link planted at their name instead of writing through it', () => {
  const tree = tempTree({ 'victim.txt': 'do not touch\n', 'copies/etc/nginx/old.conf': 'old copy\n' });
  try {
    symlinkSync(tree.path('victim.txt'), tree.path('copies/etc/nginx/nginx.conf'));
    chmodSync(tree.path('copies/etc/nginx/old.conf'), 0o444);
    const dump = { files: new Map([['/etc/nginx/nginx.conf', 'events {}\n'], ['/etc/nginx/old.conf', 'new copy\n']]) } as unknown as Parameters<typeof saveDump>[0];
    const saved = saveDump(dump, tree.path('copies'));
    assert.equal(readFileSync(tree.path('victim.txt'), 'utf8'), 'do not touch\n');
    assert.equal(lstatSync(tree.path('copies/etc/nginx/nginx.conf')).isSymbolicLink(), false);
    assert.equal(readFileSync(tree.path('copies/etc/nginx/nginx.conf'), 'utf8'), 'events {}\n');
    assert.equal(readFileSync(tree.path('copies/etc/nginx/old.conf'), 'utf8'), 'new copy\n', 'a read-only old copy is replaced');
    assert.equal(statSync(tree.path('copies/etc/nginx/old.conf')).mode & 0o777, 0o444);
    assert.equal(saved.size, 2);
  } finally {
    tree.remove();
  }
});
