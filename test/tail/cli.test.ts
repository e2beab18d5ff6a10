// `nginx-doctor tail` as users run it: a local log, a real 502 line appended, printed with its
// cause and location within seconds; escape sequences neutralised; SIGTERM exits 0; usage
// errors exit 2; a command source gets its argv verbatim (no shell).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';
import { waitFor } from './tools';

const DEMO = join(REPO, 'demo');
const demoLine = (n: number): string => readFileSync(join(DEMO, 'error.log'), 'utf8').split('\n')[n - 1]!;

interface Run {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: string | null }>;
}

function start(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, err: () => err, exit };
}

async function stop(r: Run): Promise<{ code: number | null; signal: string | null }> {
  r.child.kill('SIGTERM');
  const t = setTimeout(() => r.child.kill('SIGKILL'), 5_000);
  const x = await r.exit;
  clearTimeout(t);
  return x;
}

test('a 502 appended to a local log is printed with its cause and location as it is written; SIGTERM exits 0', { timeout: 30_000 }, async () => {
  const t = tempTree({ 'error.log': `${demoLine(1)}\n` });
  const r = start(['tail', '--config', join(DEMO, 'nginx.conf'), t.path('error.log')]);
  try {
    await waitFor(() => /live: following/.test(r.err()), 'the live state', 10_000, r.err);
    appendFileSync(t.path('error.log'), `${demoLine(11)}\n`);
    // (a bound against a hang, not a speed target: the tail's speed is measured by npm run bench)
    await waitFor(() => r.out().includes('admin.example.com:42'), 'the explained line', 15_000, () => r.out() + r.err());
    const out = r.out();
    assert.ok(out.startsWith(demoLine(11)), 'the line itself first; the old line is not replayed');
    assert.match(out, /=> 502 upstream-socket-missing: backend unix socket does not exist/);
    assert.match(out, new RegExp(`location /grafana/  ${join(DEMO, 'sites-enabled', 'admin.example.com').replace(/[.]/g, '\\.')}:42`));
    assert.match(out, /server admin\.example\.com  .*admin\.example\.com:\d+/);
    const x = await stop(r);
    assert.deepEqual(x, { code: 0, signal: null }, r.err());
  } finally {
    r.child.kill('SIGKILL');
    t.remove();
  }
});

test('--format json --failures: one event per line, only upstream failures; terminal escapes neutralised in text', { timeout: 30_000 }, async () => {
  const t = tempTree({ 'a.log': '', 'b.log': '' });
  const json = start(['tail', '--config', join(DEMO, 'nginx.conf'), '--format', 'json', '--failures', t.path('a.log')]);
  const text = start(['tail', t.path('b.log'), t.path('a.log')]);
  try {
    await waitFor(() => json.out().includes('"state":"live"'), 'json live', 10_000, json.err);
    await waitFor(() => (text.err().match(/live: following/g) ?? []).length === 2, 'text live', 10_000, text.err);
    const evil = '2026/11/22 04:22:29 [notice] 1#1: evil \x1b]0;owned\x07\x1b[2J\x1b[31mred\u009b1m done';
    appendFileSync(t.path('a.log'), `${evil}\n${demoLine(10)}\n`);
    appendFileSync(t.path('b.log'), `${evil}\n`);
    await waitFor(() => json.out().includes('"type":"line"'), 'the json line', 5_000, json.err);
    await waitFor(() => text.out().split('\n').length >= 4, 'the text lines', 5_000, text.err);
    const lines = json.out().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((e) => e.type === 'line');
    assert.equal(lines.length, 1, 'the notice line is filtered out');
    const e = lines[0]!;
    assert.equal(e.source, t.path('a.log'));
    assert.equal(e.status, 502);
    assert.deepEqual(e.cause, { id: 'no-resolver', title: 'no resolver for a host name in a variable proxy_pass' });
    assert.deepEqual(e.location, { file: join(DEMO, 'sites-enabled', 'admin.example.com'), line: 35, modifier: '', pattern: '/svc/' });
    assert.ok(!/[\x00-\x09\x0b-\x1f\u007f-\u009f]/.test(json.out()), 'no raw control characters in JSON output');
    const out = text.out();
    assert.ok(!/[\x1b\x07\u009b]/.test(out), `no raw escape in the terminal output: ${JSON.stringify(out)}`);
    assert.match(out, /evil \\x1b\]0;owned\\x07\\x1b\[2J\\x1b\[31mred\\x9b1m done/);
    assert.match(out, new RegExp(`^\\[${t.path('b.log').replace(/[.]/g, '\\.')}\\] 2026`, 'm'), 'several sources: each line is tagged');
  } finally {
    assert.equal((await stop(json)).code, 0);
    assert.equal((await stop(text)).code, 0);
    t.remove();
  }
});

test('--stop-on-stdin-eof: the tail ends when its parent closes stdin (the editor went away)', { timeout: 30_000 }, async () => {
  const t = tempTree({ 'a.log': '' });
  const child = spawn(process.execPath, [CLI, 'tail', '--stop-on-stdin-eof', t.path('a.log')], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  try {
    await waitFor(() => /live/.test(err), 'live', 10_000, () => err);
    child.stdin!.end();
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    assert.equal(await exit, 0);
    clearTimeout(killer);
  } finally {
    child.kill('SIGKILL');
    t.remove();
  }
});

test('--format json: a generation lost between two reads is one "gap" event naming the file', { timeout: 60_000 }, async () => {
  const t = tempTree({ 'logs/error.log': '' });
  const log = t.path('logs/error.log');
  const r = start(['tail', '--format', 'json', '--rotation-quiet', '300ms', log]);
  const events = (): Record<string, unknown>[] => r.out().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  try {
    await waitFor(() => events().some((e) => e.state === 'live'), 'live', 10_000, r.err);
    appendFileSync(log, `${demoLine(1)}\n`);
    // renamed twice within one poll (200 ms), the file in between deleted
    for (let attempt = 1; ; attempt++) {
      rmSync(`${log}.2`, { force: true });
      renameSync(log, `${log}.1`);
      writeFileSync(log, `${demoLine(3)}\n`);
      renameSync(`${log}.1`, `${log}.2`);
      renameSync(log, `${log}.1`);
      writeFileSync(log, '');
      unlinkSync(`${log}.1`);
      await new Promise((res) => setTimeout(res, 100));
      appendFileSync(log, `${demoLine(5)}\n`);
      const got = await waitFor(() => events().some((e) => e.kind === 'gap'), 'the gap event', 10_000).then(() => true, () => false);
      // the follower may have looked between the two renames (then nothing is lost): once more
      if (got || attempt === 2) break;
    }
    await waitFor(() => events().some((e) => e.type === 'line' && String(e.text).includes('*5 upstream sent too big header')), 'the line after the gap', 10_000, r.err);
    const list = events();
    const gap = list.find((e) => e.kind === 'gap')!;
    assert.deepEqual({ ...gap, message: undefined }, { type: 'notice', source: log, host: hostname(), kind: 'gap', message: undefined, gap: { reason: 'missing-generation', file: 'error.log.1', bytes: null } });
    assert.match(String(gap.message), /error\.log\.1 is gone: the lines of the generation it held, between error\.log\.2 and error\.log, are missing/);
    // in stream order: the gap before the line that follows it, and no second "live" for the rotation
    assert.ok(list.indexOf(gap) < list.findIndex((e) => String(e.text ?? '').includes('*5 upstream sent too big header')));
    assert.equal(list.filter((e) => e.state === 'live').length, 1);
    assert.equal(list.filter((e) => e.kind === 'rotated').length >= 1, true);
  } finally {
    assert.equal((await stop(r)).code, 0);
    t.remove();
  }
});

test('usage errors exit 2 with a clear message; hostile hosts never reach ssh', () => {
  const t = tempTree({});
  const mark = t.path('pwned');
  const cases: [string[], RegExp][] = [
    [['tail'], /at least one log/],
    [['tail', '--format', 'xml', 'x.log'], /--format must be text or json/],
    [['tail', '--ssh', `-oProxyCommand=touch ${mark}`, '/var/log/nginx/error.log'], /starts with "-": ssh would read it as an option/],
    [['tail', '--ssh', `$(touch ${mark})`, '/x'], /the host may only contain/],
    [['tail', '--ssh', `h;touch ${mark}`, '/x'], /the host may only contain/],
    [['tail', `ssh://\`touch ${mark}\`/var/log/x`], /not an ssh:\/\/|the host may only contain/],
    [['tail', '--sudo', 'x.log'], /--sudo is only for SSH sources/],
    [['tail', '--command'], /--command needs the program/],
    [['tail', '--sources', '{"name":1}'], /JSON array/],
    [['tail', '--sources', '[{"name":"x","command":"docker logs web"}]'], /array of strings/],
    [['tail', '--config', t.path('missing.conf'), 'x.log'], /cannot read/],
    [['tail', '--bogus', 'x.log'], /unknown option --bogus/],
    [['tail', '--rotation-quiet', 'soon', 'x.log'], /--rotation-quiet must be a duration such as 300ms, 5s or 2m/],
    [['tail', '--rotation-max=2h', 'x.log'], /--rotation-max must be a duration/],
  ];
  try {
    for (const [args, message] of cases) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
      assert.equal(existsSync(mark), false);
    }
  } finally {
    t.remove();
  }
});

test('a command source runs its argv without a shell; a missing program fails and the run exits 1', { timeout: 30_000 }, async () => {
  const t = tempTree({});
  const mark = t.path('pwned');
  const line = `2026/11/22 04:22:29 [notice] 1#1: $(touch ${mark}); \`touch ${mark}\``;
  const r = start(['tail', '--command', 'printf', '%s\\n', line], { NGINX_DOCTOR_TAIL_BACKOFF_MS: '5000' });
  try {
    await waitFor(() => r.out().includes(line), 'the printed line', 10_000, r.err);
    assert.equal(existsSync(mark), false);
    await waitFor(() => /reconnecting \(command\): printf ended \(exit 0\)/.test(r.err()), 'the restart notice', 10_000, r.err);
  } finally {
    await stop(r);
  }
  const missing = spawnSync(process.execPath, [CLI, 'tail', '--command', 'no-such-program-nginx-doctor', '-f'], { encoding: 'utf8', timeout: 20_000 });
  assert.equal(missing.status, 1, missing.stderr);
  assert.match(missing.stderr, /failed \(command\): command not found: no-such-program-nginx-doctor/);
  writeFileSync(t.path('x'), '');
  t.remove();
});
