// Which rotated files hold the lines still to be read after a rotation, in which order, and the
// gaps: logrotate's numbered names (with compress/delaycompress), dated names, copytruncate copies,
// generations that are gone, compressed files nothing here can read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderGenerations, planRecovery, rotatedSuffix, type RecoveryInput, type Sibling } from '../../server/src/tail/generations';

const hex = (s: string): string => Buffer.from(s).toString('hex');
const file = (name: string, inode: string, content: string, extra: Partial<Sibling> = {}): Sibling => ({
  name, inode, size: content.length, mtimeMs: 0, compression: null, head: hex(content.slice(0, 128)), contentSize: content.length, readable: true, ...extra,
});
const gz = (name: string, inode: string, content: string): Sibling => file(name, inode, content, { compression: 'gz', size: 40 });
const A = 'A'.repeat(300);
const B = 'B'.repeat(200);
const C = 'C'.repeat(100);
const at = (content: string, offset: number, inode = '11'): RecoveryInput['position'] => ({ inode, offset, head: hex(content.slice(0, 128)) });
const steps = (p: ReturnType<typeof planRecovery>): string[] => p.steps.map((s) => `${s.sibling.name}@${s.from}`);

test('rotated names: numbered, compressed, dated; not the log itself or other files', () => {
  for (const ok of ['error.log.1', 'error.log.12.gz', 'error.log-20261122', 'error.log-20261122.gz', 'error.log.2026-11-22', 'error.log-2026112204.xz', 'error.log_3']) assert.ok(rotatedSuffix('error.log', ok) !== null, ok);
  for (const no of ['error.log', 'error.log.old', 'error.log.gz', 'error.log.lock', 'access.log.1', 'error.log.bak']) assert.equal(rotatedSuffix('error.log', no), null, no);
  const order = (names: string[]): string[] => orderGenerations('error.log', names.map((n, i) => file(n, String(i), 'x', { mtimeMs: i }))).map((s) => s.name);
  assert.deepEqual(order(['error.log.1', 'error.log.10.gz', 'error.log.2.gz']), ['error.log.10.gz', 'error.log.2.gz', 'error.log.1']);
  assert.deepEqual(order(['error.log-20261122', 'error.log-20261120.gz', 'error.log-20261121.gz']), ['error.log-20261120.gz', 'error.log-20261121.gz', 'error.log-20261122']);
});

test('rename twice while disconnected: the old file by inode, then the one in between, plain or compressed', () => {
  // error.log (inode 11, read to 120) -> .1 -> .2; the next one (12) -> .1; now 13 at the path
  const plain = planRecovery({ base: 'error.log', position: at(A, 120), why: 'resume', currentInode: '13', siblings: [file('error.log.2', '11', A), file('error.log.1', '12', B), file('error.log.3', '9', 'old')] });
  assert.deepEqual(steps(plain), ['error.log.2@120', 'error.log.1@0']);
  assert.deepEqual(plain.gaps, []);
  assert.equal(plain.steps[0]!.previous, true);
  // delaycompress: the old one compressed (a new inode: found by its first bytes), the one in between plain
  const delayed = planRecovery({ base: 'error.log', position: at(A, 120), why: 'resume', currentInode: '13', siblings: [gz('error.log.2.gz', '21', A), file('error.log.1', '12', B), gz('error.log.3.gz', '22', 'old lines')] });
  assert.deepEqual(steps(delayed), ['error.log.2.gz@120', 'error.log.1@0']);
  // compress without delay: both compressed
  const both = planRecovery({ base: 'error.log', position: at(A, 120), why: 'resume', currentInode: '13', siblings: [gz('error.log.2.gz', '21', A), gz('error.log.1.gz', '23', B)] });
  assert.deepEqual(steps(both), ['error.log.2.gz@120', 'error.log.1.gz@0']);
  // mid-compression: .1 and .1.gz both exist; the plain one is read, once
  const racing = planRecovery({ base: 'error.log', position: at(A, 120), why: 'resume', currentInode: '13', siblings: [file('error.log.2', '11', A), file('error.log.1', '12', B), gz('error.log.1.gz', '24', B.slice(0, 10))] });
  assert.deepEqual(steps(racing), ['error.log.2@120', 'error.log.1@0']);
});

test('gaps say what is known: a generation gone in between, the old file gone, an unreadable file', () => {
  const gone = planRecovery({ base: 'error.log', position: at(A, 120), why: 'resume', currentInode: '13', siblings: [file('error.log.3', '11', A), file('error.log.1', '14', C)] });
  assert.deepEqual(steps(gone), ['error.log.3@120', 'error.log.1@0']);
  assert.deepEqual(gone.gaps.map((g) => [g.before, g.gap]), [[1, { reason: 'missing-generation', file: 'error.log.2', bytes: null }]]);
  assert.match(gone.gaps[0]!.message, /^error\.log\.2 is gone: the lines of the generation it held, between error\.log\.3 and error\.log, are missing \(size unknown\)$/);
  const lostOld = planRecovery({ base: 'error.log', position: at(A, 120), why: 'resume', currentInode: '13', siblings: [file('error.log.1', '12', B)] });
  assert.deepEqual(steps(lostOld), [], 'nothing is read when it is not known which files are newer');
  assert.deepEqual(lostOld.gaps.map((g) => g.gap), [{ reason: 'not-found', file: null, fromByte: 120, bytes: null }]);
  assert.match(lostOld.gaps[0]!.message, /from byte 120 on\) was not found next to it among 1 rotated file/);
  const zst = planRecovery({ base: 'error.log', position: at(A, 120), why: 'resume', currentInode: '13', siblings: [file('error.log.2', '11', A), file('error.log.1.zst', '15', '', { compression: 'zst', readable: false, head: '', contentSize: -1, size: 77 })] });
  assert.deepEqual(steps(zst), ['error.log.2@120']);
  assert.deepEqual(zst.gaps.map((g) => [g.before, g.gap]), [[1, { reason: 'unreadable', file: 'error.log.1.zst', bytes: null }]]);
  assert.match(zst.gaps[0]!.message, /77 bytes \(compressed\)/);
});

test('copytruncate: the copy by its first bytes; the bytes between copy and truncation are counted', () => {
  const twice = planRecovery({ base: 'error.log', position: at(A, 250), why: 'resume', currentInode: '11', siblings: [file('error.log.2', '31', A), file('error.log.1', '32', B)] });
  assert.deepEqual(steps(twice), ['error.log.2@250', 'error.log.1@0']);
  // while connected: 290 bytes were seen, 260 read, the copy holds 280: 10 bytes are in no file
  const window = planRecovery({ base: 'error.log', position: at(A, 250), why: 'truncate', currentInode: '11', lastSize: 290, readUpTo: 260, siblings: [file('error.log.1', '31', A.slice(0, 280))] });
  assert.deepEqual(steps(window), ['error.log.1@250']);
  assert.deepEqual(window.gaps.map((g) => [g.before, g.gap]), [[1, { reason: 'copytruncate-window', file: 'error.log', fromByte: 280, bytes: 10 }]]);
  const noCopy = planRecovery({ base: 'error.log', position: at(A, 250), why: 'truncate', currentInode: '11', lastSize: 300, readUpTo: 250, siblings: [file('error.log.1', '32', B)] });
  assert.deepEqual(steps(noCopy), []);
  assert.deepEqual(noCopy.gaps.map((g) => g.gap), [{ reason: 'truncated', file: 'error.log', fromByte: 250, bytes: 50 }]);
});

test('connected rename: the old file is read through its descriptor; only generations after it are planned', () => {
  const quick = planRecovery({ base: 'error.log', position: at(A, 100), why: 'rename', currentInode: '13', siblings: [file('error.log.2', '11', A), file('error.log.1', '12', B)] });
  assert.equal(quick.held, true);
  assert.deepEqual(steps(quick), ['error.log.1@0']);
  // the new file was itself renamed while the old one was still read: only what lies between them
  const renamedToo = planRecovery({ base: 'error.log', position: at(A, 100), why: 'rename', currentInode: '13', siblings: [file('error.log.2', '11', A), file('error.log.1', '13', C)] });
  assert.deepEqual([steps(renamedToo), renamedToo.gaps], [[], []]);
  const oneBetween = planRecovery({ base: 'error.log', position: at(A, 100), why: 'rename', currentInode: '13', siblings: [file('error.log.3', '11', A), file('error.log.2', '12', B), file('error.log.1', '13', C)] });
  assert.deepEqual([steps(oneBetween), oneBetween.gaps], [['error.log.2@0'], []]);
  const goneBetween = planRecovery({ base: 'error.log', position: at(A, 100), why: 'rename', currentInode: '13', siblings: [file('error.log.3', '11', A), file('error.log.1', '13', C)] });
  assert.deepEqual(goneBetween.gaps.map((g) => g.gap.file), ['error.log.2']);
  // listed in the middle of logrotate's shift: the old file under its old and its new name
  const midShift = planRecovery({ base: 'error.log', position: at(A, 100), why: 'rename', currentInode: '13', siblings: [file('error.log.1', '11', A), file('error.log.2', '11', A), file('error.log.3', '9', 'older')] });
  assert.deepEqual(steps(midShift), [], 'the old file is not read again under its other name');
  // a copy of the new file made right after the rename, already read: not again
  const copied = planRecovery({ base: 'error.log', position: at(B, 0, '13'), why: 'truncate', currentInode: '13', lastSize: 200, readUpTo: 0, siblings: [file('error.log.1', '14', B)], alreadyRead: new Set(['14']) });
  assert.deepEqual([steps(copied), copied.gaps], [[], []]);
  const usual = planRecovery({ base: 'error.log', position: at(A, 100), why: 'rename', currentInode: '13', siblings: [file('error.log.1', '11', A), gz('error.log.2.gz', '9', 'older')] });
  assert.deepEqual(steps(usual), []);
  assert.deepEqual(usual.gaps, []);
});

test('truncated again before the file was read from its start: what is new since the last list, oldest first, whole', () => {
  // listed: the copy of A (.1, inode 31, was read from the offset); since then two more copytruncates
  // (B then C) with delaycompress: A's copy is now .3.gz (a new inode, same content), B's .2, C's .1
  const listed = [file('error.log.1', '31', A), gz('error.log.2.gz', '30', 'older')];
  const now = [gz('error.log.3.gz', '40', A), gz('error.log.4.gz', '30', 'older'), file('error.log.2', '32', B), file('error.log.1', '33', C)];
  const p = planRecovery({ base: 'error.log', position: { inode: '11', offset: 0, head: '' }, why: 'truncate', currentInode: '11', siblings: now, listedBefore: listed });
  assert.deepEqual(steps(p), ['error.log.2@0', 'error.log.1@0']);
  assert.deepEqual(p.gaps, []);
  assert.ok(p.steps.every((s) => !s.follow && !s.previous));
  // nothing new (only renames and a compression of a listed file): nothing to read
  assert.deepEqual(steps(planRecovery({ base: 'error.log', position: { inode: '11', offset: 0, head: '' }, why: 'truncate', currentInode: '11', siblings: [gz('error.log.2.gz', '41', A), gz('error.log.3.gz', '30', 'older')], listedBefore: listed })), []);
  // a new copy nothing here can decompress is a gap with its size
  const zst = planRecovery({ base: 'error.log', position: { inode: '11', offset: 0, head: '' }, why: 'truncate', currentInode: '11', siblings: [file('error.log.2', '31', A), gz('error.log.3.gz', '30', 'older'), file('error.log.1.zst', '34', B, { compression: 'zst', readable: false, head: '', contentSize: -1 })], listedBefore: listed });
  assert.deepEqual(zst.gaps.map((g) => g.gap.reason), ['unreadable']);
});
