// The pieces under every source: record framing, line assembly with resume positions, source
// validation, the remote script's syntax, and the local-file follower through rotations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync, appendFileSync, mkdirSync, chmodSync } from 'node:fs';
import { LineAssembler } from '../../server/src/tail/frames';
import { FrameParser } from '../../server/src/remote/records';
import { SCRIPT, scriptInput } from '../../server/src/tail/remote-script';
import { shQuote, remoteShell } from '../../server/src/remote/shell';
import { sourceFromSetting } from '../../server/src/tail/sources';
import { checkDestination, SourceError } from '../../server/src/remote/check-input';
import { LocalFileFollower } from '../../server/src/tail/local-file';
import { neutralise, safeJson } from '../../server/src/tail/terminal';
import { tempTree } from '../helpers/temp-tree';
import { Collector, NumberedWriter, sleep, waitFor } from './tools';

const NONCE = '0123456789abcdef0123456789abcdef';

test('frames: records are found across any chunk split; data before the first record is noise', () => {
  const stream = Buffer.from(`motd from .bashrc\n\n${NONCE} HELLO 1\n\n${NONCE} OPEN 42 0 - 0\nline one\nline two\npart\n${NONCE} K\nial\n\n${NONCE} .\n`);
  for (let cut = 1; cut < stream.length; cut++) {
    const got: string[] = [];
    const p = new FrameParser(NONCE, { data: (d) => got.push(`D:${d.toString()}`), record: (w) => got.push(`R:${w.join(' ')}`) });
    p.push(stream.subarray(0, cut));
    p.push(stream.subarray(cut));
    const joined = got.join('|').replace(/\|D:/g, '');
    assert.equal(joined.replace(/^D:/, ''), 'R:HELLO 1|R:OPEN 42 0 - 0line one\nline two\npart|R:Kial\n|R:.', `split at ${cut}`);
  }
});

test('frames: a forged record without the nonce is data', () => {
  const got: string[] = [];
  const p = new FrameParser(NONCE, { data: (d) => got.push(d.toString()), record: (w) => got.push(`R:${w.join(' ')}`) });
  p.push(Buffer.from(`\n${NONCE} HELLO 1\n\nffffffffffffffffffffffffffffffff ERR denied\n\n${NONCE} .\n`));
  assert.deepEqual(got, ['R:HELLO 1', '\nffffffffffffffffffffffffffffffff ERR denied\n', 'R:.']);
});

test('lines: offsets count whole lines only; the head grows while contiguous; over-long lines are cut', () => {
  const a = new LineAssembler(10);
  a.open('7', 0, '-', false);
  assert.deepEqual(a.push(Buffer.from('abc\r\nde')).map((l) => l.text), ['abc']);
  assert.equal(a.pos!.offset, 5);
  assert.equal(a.pos!.head, Buffer.from('abc\r\n').toString('hex'));
  assert.deepEqual(a.push(Buffer.from('f\n0123456789ABCDEF\nok\n')).map((l) => l.text), ['def', '0123456789', 'ok']);
  assert.equal(a.pos!.offset, 5 + 4 + 17 + 3);
  // a partial line is dropped on reset (it is read again from pos.offset)
  a.push(Buffer.from('half'));
  a.reset();
  assert.equal(a.pos!.offset, 29);
  // started mid-file: the first (partial) line is skipped but counted
  const b = new LineAssembler();
  b.open('8', 100, '00', true);
  assert.deepEqual(b.push(Buffer.from('tail of a line\nnext\n')).map((l) => l.text), ['next']);
  assert.equal(b.pos!.offset, 120);
});

test('sources: hostile SSH destinations are refused before anything runs', () => {
  for (const bad of ['-oProxyCommand=touch /tmp/pwned', '-p22', '$(touch /tmp/pwned)', '`touch /tmp/pwned`', 'host; rm -rf /', 'host\ntouch /tmp/pwned', 'a b', 'user@-host', 'host&&x', "h'ost", 'ssh://-oProxyCommand=x', '']) {
    assert.throws(() => checkDestination(bad), SourceError, bad);
  }
  for (const ok of ['web1', 'deploy@web1.example.com', 'ssh://root@10.0.0.1:2222', 'nd-test', '[::1]', 'user_x@host-1']) assert.equal(checkDestination(ok), ok);
  assert.throws(() => sourceFromSetting({ name: 'x', command: 'docker logs' as unknown as string[] }, 0), /array of strings/);
  assert.throws(() => sourceFromSetting({ name: 'x', path: '/a', sudo: true }, 0), /only for SSH/);
  assert.deepEqual(sourceFromSetting({ name: 'c', command: ['kubectl', 'logs', '-f', 'web'] }, 0), { kind: 'command', name: 'c', argv: ['kubectl', 'logs', '-f', 'web'] });
});

test('remote script: valid POSIX sh; the SSH command line is constant; parameters are quoted data', () => {
  const dash = spawnSync('sh', ['-n'], { input: SCRIPT, encoding: 'utf8' });
  assert.equal(dash.status, 0, dash.stderr);
  assert.equal(remoteShell(false), 'sh -s');
  assert.equal(remoteShell(true), 'sudo -n -- sh -s');
  assert.equal(shQuote(`it's`), `'it'\\''s'`);
  const input = scriptInput({ nonce: NONCE, path: `/x/$(touch p)'; rm -rf / #\n`, mode: 'start', quietMs: 300 });
  const first = input.slice(0, input.indexOf('\nnd_main() {'));
  // what sh makes of the first line: exactly the nine parameters (the rotation grace in ~0.2 s naps), nothing run
  const r = spawnSync('sh', ['-c', `${first}\nprintf '%s\\0' "$@"`], { encoding: 'utf8' });
  assert.deepEqual(r.stdout.split('\0').slice(0, -1), [NONCE, `/x/$(touch p)'; rm -rf / #\n`, 'start', '0', '0', '-', '0', '2', '300']);
});

test('terminal: escape sequences and bidi controls in log text become visible escapes', () => {
  assert.equal(neutralise('a\x1b[2J\x1b]0;t\x07b\rc\u009bd\u202ee\tf'), 'a\\x1b[2J\\x1b]0;t\\x07b\\x0dc\\x9bd\\u202ee\tf');
  assert.equal(safeJson({ t: '\u009b1m\x1b' }), '{"t":"\\u009b1m\\u001b"}');
});

test('local file: every line exactly once through 3 renames and 3 copytruncates, long lines included', async () => {
  const t = tempTree({ 'app.log': '' });
  const w = new NumberedWriter(t.path('app.log'));
  const c = new Collector();
  const f = new LocalFileFollower(t.path('app.log'), c, { start: 'start', pollMs: 20, rotationQuietMs: 60 });
  try {
    w.write(50);
    f.start();
    await waitFor(() => c.lastState?.state === 'live', 'live');
    w.start(3, 2);
    for (let k = 0; k < 3; k++) {
      await sleep(120);
      w.rotateRename();
      await sleep(120);
      w.copyTruncate();
    }
    await sleep(100);
    w.stop();
    w.write(1);
    const last = w.n;
    await waitFor(() => c.seen.has(last), `line ${last}`, 10_000, () => c.describe());
    await sleep(100);
    const r = c.check(last);
    assert.deepEqual({ missing: r.missing.slice(0, 10), duplicated: r.duplicated.slice(0, 10), outOfOrder: r.outOfOrder }, { missing: [], duplicated: [], outOfOrder: 0 }, c.describe());
    // a copytruncate of the new file while the renamed one is still read is read as part of that rename
    assert.ok(f.stats.rotations >= 3 && f.stats.rotations <= 6, `rotations seen: ${f.stats.rotations}`);
    assert.equal(c.other, 0);
  } finally {
    await f.stop();
    w.close();
    t.remove();
  }
});

test('local file: starts at the end, waits for a missing file, reports an unreadable one', async () => {
  const t = tempTree({ 'old.log': 'seq=1 \nseq=2 \n' });
  const c = new Collector();
  const f = new LocalFileFollower(t.path('old.log'), c, { pollMs: 20 });
  const missing = new Collector();
  const g = new LocalFileFollower(t.path('later/new.log'), missing, { pollMs: 20 });
  try {
    f.start();
    g.start();
    await waitFor(() => c.lastState?.state === 'live', 'live');
    appendFileSync(t.path('old.log'), 'seq=3 \n');
    await waitFor(() => c.seen.has(3), 'the appended line');
    assert.equal(c.seen.has(1), false, 'existing lines are not replayed');
    await waitFor(() => missing.lastState?.state === 'waiting', 'the waiting state');
    assert.equal(missing.lastState!.reason, 'not-found');
    mkdirSync(t.path('later'));
    writeFileSync(t.path('later/new.log'), '');
    await waitFor(() => missing.lastState?.state === 'live', 'live once the file exists');
    appendFileSync(t.path('later/new.log'), 'seq=9 \n');
    await waitFor(() => missing.seen.has(9), 'a line of the new file');
  } finally {
    await f.stop();
    await g.stop();
    t.remove();
  }
  if (process.getuid?.() === 0) return; // root reads everything locally; the SSH tests cover it
  const u = tempTree({ 'secret.log': 'x\n' });
  chmodSync(u.path('secret.log'), 0);
  const d = new Collector();
  const h = new LocalFileFollower(u.path('secret.log'), d, { pollMs: 20 });
  h.start();
  await waitFor(() => d.lastState?.state === 'failed', 'failed');
  assert.equal(d.lastState!.reason, 'permission-denied');
  await h.stop();
  u.remove();
});
