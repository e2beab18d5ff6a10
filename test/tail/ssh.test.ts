// Following logs over a real SSH connection: a throwaway sshd on 127.0.0.1 (test/helpers/sshd.ts)
// and the system ssh client. Every number written arrives exactly once through dropped
// connections, sshd restarts and both kinds of rotation; hostile paths are data, never code;
// authentication, host-key, permission, missing-file and sudo failures end in clear states.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, appendFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { CLI } from '../helpers/repo';
import { SshFollower, type SshOptions } from '../../server/src/tail/ssh';
import { TailEngine } from '../../server/src/tail/engine';
import type { TailEvent, TailLineEvent } from '../../server/src/protocol/protocol';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';
import { Collector, NumberedWriter, sleep, waitFor } from './tools';

const skip = sshdAvailable();

describe('tail over SSH (real sshd on 127.0.0.1)', { skip: skip ?? false }, () => {
  let sshd: Sshd;
  let logs: string;
  const followers: SshFollower[] = [];
  const opts = (): SshOptions => ({ configFile: sshd.clientConfig, minBackoffMs: 150, maxBackoffMs: 600, idleTimeoutMs: 8_000, rotationQuietMs: 200 });
  const follow = (dest: string, path: string, c: Collector, extra: SshOptions = {}, sudo = false): SshFollower => {
    const f = new SshFollower(dest, path, sudo, c, { ...opts(), ...extra });
    followers.push(f);
    f.start();
    return f;
  };

  before(async () => {
    sshd = await startSshd();
    logs = join(sshd.dir, 'logs');
    mkdirSync(logs);
  }, { timeout: 60_000 });

  after(async () => {
    await Promise.all(followers.map((f) => f.stop()));
    await sshd?.stop();
  }, { timeout: 30_000 });

  test('every line exactly once through dropped connections, sshd restarts and rotations of both kinds', { timeout: 90_000 }, async () => {
    const path = join(logs, 'app.log');
    writeFileSync(path, '');
    const w = new NumberedWriter(path);
    const c = new Collector();
    w.write(20);
    const f = follow('nd-test', path, c, { start: 'start' });
    const lives = (): number => c.states.filter((s) => s.state === 'live').length;
    const reconnected = async (before: number, what: string): Promise<void> => {
      await waitFor(() => lives() > before, `live again after ${what}`, 20_000, () => `${c.describe()}\n${sshd.log().slice(-1500)}`);
      await sleep(150);
    };
    try {
      await waitFor(() => c.lastState?.state === 'live', 'live', 15_000, () => `${c.describe()}\n${sshd.log().slice(-2000)}`);
      w.start(4, 3);
      let cuts = 0;
      let restarts = 0;
      const plan: (() => Promise<void>)[] = [
        async () => { w.rotateRename(); await sleep(300); },
        async () => { const n = lives(); assert.ok(sshd.cutSessions() > 0, 'a session to cut'); cuts++; await reconnected(n, 'a cut'); },
        async () => { w.copyTruncate(); await sleep(300); },
        async () => { const n = lives(); await sshd.restart(); restarts++; await reconnected(n, 'an sshd restart'); },
        // rotated while disconnected: the old file is found next to the new one by its inode
        async () => { const n = lives(); sshd.cutSessions(); cuts++; w.rotateRename(); await reconnected(n, 'a cut + rename'); },
        // truncated while disconnected: the copy is found by its first bytes
        async () => { const n = lives(); sshd.cutSessions(); cuts++; w.copyTruncate(); await reconnected(n, 'a cut + copytruncate'); },
        async () => { w.rotateRename(); await sleep(300); },
        async () => { const n = lives(); await sshd.restart(); restarts++; await reconnected(n, 'an sshd restart'); },
        async () => { w.copyTruncate(); await sleep(300); },
        async () => { const n = lives(); sshd.cutSessions(); cuts++; await reconnected(n, 'a cut'); },
      ];
      const marks: string[] = [];
      for (const [i, step] of plan.entries()) {
        marks.push(`step ${i + 1} at line ${w.n}`);
        await step();
      }
      await sleep(200);
      w.stop();
      w.write(1);
      const last = w.n;
      await waitFor(() => c.seen.has(last), `line ${last}`, 20_000, () => c.describe());
      await sleep(300);
      const r = c.check(last);
      assert.deepEqual({ missing: r.missing.slice(0, 10), duplicated: r.duplicated.slice(0, 10), outOfOrder: r.outOfOrder }, { missing: [], duplicated: [], outOfOrder: 0 }, `${r.missing.length} missing, ${r.duplicated.length} duplicated\n${marks.join(', ')}\n${c.describe()}`);
      assert.equal(f.stats.gaps, 0);
      assert.equal(c.other, 0);
      console.log(`# exactly-once over SSH: ${last} lines, ${cuts} cuts, ${restarts} sshd restarts, ${w.rotations.rename} renames + ${w.rotations.copytruncate} copytruncates, ${f.stats.connects} connections, ${f.stats.rotations} rotations seen`);
      assert.ok(f.stats.rotations >= 6, `rotations seen: ${f.stats.rotations}`);
      assert.ok(f.stats.connects >= 1 + cuts + restarts, `connections: ${f.stats.connects}`);
    } finally {
      w.close();
    }
  });

  test('`nginx-doctor tail ssh://user@host:port/path` (the form docs/tail.md documents) follows the remote log', { timeout: 60_000 }, async () => {
    const log = join(logs, 'url-form.log');
    writeFileSync(log, '2026/11/22 04:22:29 [notice] 1#1: seq=1 through an ssh:// URL with a port\n');
    // ssh's own settings for 127.0.0.1 (the key and known_hosts of the test sshd); user and port come from the URL
    const config = join(sshd.dir, 'ssh_config_url');
    writeFileSync(config, ['Host 127.0.0.1', `  IdentityFile ${join(sshd.dir, 'user_key')}`, '  IdentitiesOnly yes', '  IdentityAgent none', `  UserKnownHostsFile ${join(sshd.dir, 'known_hosts')}`, '  GlobalKnownHostsFile /dev/null', ''].join('\n'));
    const child = spawn(process.execPath, [CLI, 'tail', '--ssh-config', config, '--from-start', '--format', 'json', `ssh://root@127.0.0.1:${sshd.port}${log}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await waitFor(() => /seq=1 through an ssh:\/\/ URL with a port/.test(out), 'the remote line', 30_000, () => `stdout: ${out}\nstderr: ${err}`);
      assert.doesNotMatch(err, /host may only contain|not an ssh:\/\//);
    } finally {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('close', resolve));
    }
  });

  test('hostile paths are data: quotes, $(...), backticks, ";", newlines and dashes reach no shell', { timeout: 60_000 }, async () => {
    const marker = (i: number): string => join(sshd.dir, `pwned-${i}`);
    const payloads = (i: number): string => [
      `$(touch ${marker(i)})`,
      `\`touch ${marker(i)}\``,
      `x; touch ${marker(i)}; #`,
      `x'; touch ${marker(i)}; echo '`,
      `x"; touch ${marker(i)}; echo "`,
      `x\ntouch ${marker(i)}\n`,
      `-oProxyCommand=touch ${marker(i)}`,
      `$IFS*?[a]{b,c}~ && touch ${marker(i)} || \\`,
    ][i]!;
    const sources: { name: string; path: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const p = join(logs, `h${i}`, payloads(i));
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, `2026/11/22 04:22:29 [notice] 1#1: seq=${i + 1} hostile ${i}\n`);
      sources.push({ name: `h${i}`, path: p });
    }
    const events: TailEvent[] = [];
    const engine = new TailEngine({ emit: (e) => void events.push(e), start: 'start', sshConfigFile: sshd.clientConfig, minBackoffMs: 150 });
    try {
      await engine.start(sources.map((s) => ({ kind: 'ssh' as const, name: s.name, dest: 'nd-test', path: s.path, sudo: false })));
      const lines = (): TailLineEvent[] => events.filter((e): e is TailLineEvent => e.type === 'line');
      await waitFor(() => lines().length >= 8, 'a line from each hostile path', 20_000, () => JSON.stringify(events.filter((e) => e.type === 'state').slice(-8)));
      for (let i = 0; i < 8; i++) {
        const l = lines().find((e) => e.source === `h${i}`);
        assert.ok(l, `h${i}`);
        assert.match(l.text, new RegExp(`seq=${i + 1} hostile ${i}$`), 'each source is tagged with its own name');
      }
      assert.deepEqual(readdirSync(sshd.dir).filter((n) => n.startsWith('pwned')), [], 'no marker file was created');
      for (let i = 0; i < 8; i++) assert.equal(existsSync(`/root/pwned-${i}`), false);
    } finally {
      await engine.stop();
    }
  });

  test('a wrong key fails with an authentication state; an unknown or changed host key is never accepted', { timeout: 60_000 }, async () => {
    const cases: [string, string, RegExp][] = [
      ['nd-wrongkey', 'auth', /ssh-add|IdentityFile/],
      ['nd-unknown', 'host-key-unknown', /fingerprint/],
      ['nd-changed', 'host-key-changed', /ssh-keygen -R/],
    ];
    await Promise.all(cases.map(async ([dest, reason, fix]) => {
      const c = new Collector();
      follow(dest, join(logs, 'app.log'), c);
      await waitFor(() => c.lastState?.state === 'failed', `${dest} to fail`, 20_000, () => c.describe());
      assert.equal(c.lastState!.reason, reason, c.describe());
      assert.match(c.lastState!.fix ?? '', fix);
      assert.equal(c.states.filter((s) => s.state === 'reconnecting').length, 0, 'no retry loop on a permanent failure');
    }));
    // the known_hosts files were not changed behind the user's back
    assert.equal(readFileSync(join(sshd.dir, 'known_hosts_empty'), 'utf8'), '');
  });

  test('an unreadable log says how to get access; a missing one is waited for', { timeout: 60_000 }, async () => {
    // sshd runs without CAP_DAC_OVERRIDE (see test/helpers/sshd.ts), so a chmod 000 file is
    // unreadable for the root session, as /var/log/nginx/error.log is for a user outside "adm"
    const secret = join(logs, 'secret.log');
    writeFileSync(secret, 'x\n');
    chmodSync(secret, 0o000);
    mkdirSync(join(logs, 'closed'));
    writeFileSync(join(logs, 'closed', 'error.log'), 'x\n');
    chmodSync(join(logs, 'closed'), 0o000);
    const a = new Collector();
    const b = new Collector();
    const m = new Collector();
    follow('nd-test', secret, a);
    follow('nd-test', join(logs, 'closed', 'error.log'), b);
    const later = join(logs, 'later.log');
    follow('nd-test', later, m);
    try {
      for (const c of [a, b]) {
        await waitFor(() => c.lastState?.state === 'failed', 'the permission failure', 20_000, () => c.describe());
        assert.equal(c.lastState!.reason, 'permission-denied');
        assert.match(c.lastState!.fix!, /adm/);
        assert.match(c.lastState!.fix!, /sudo/);
      }
      await waitFor(() => m.lastState?.state === 'waiting', 'the waiting state', 20_000, () => m.describe());
      assert.equal(m.lastState!.reason, 'not-found');
      assert.match(m.lastState!.message!, /does not exist/);
      writeFileSync(later, '');
      await waitFor(() => m.lastState?.state === 'live', 'live once the file exists', 20_000, () => m.describe());
      appendFileSync(later, '2026/11/22 04:22:29 [notice] 1#1: seq=1 appeared\n');
      await waitFor(() => m.seen.has(1), 'the first line of the new file', 10_000, () => m.describe());
    } finally {
      chmodSync(join(logs, 'closed'), 0o755);
    }
  });

  test('sudo: passwordless sudo reads the log; a sudo that wants a password fails clearly', { timeout: 60_000 }, async () => {
    // a stand-in for sudo on the sessions' PATH (Debian's test image has no sudo): "-n --" then the command
    const fake = join(sshd.binDir, 'sudo');
    writeFileSync(fake, `#!/bin/sh\nif [ -e ${JSON.stringify(join(sshd.dir, 'sudo-wants-password'))} ]; then echo "sudo: a password is required" >&2; exit 1; fi\n[ "$1" = -n ] && shift\n[ "$1" = -- ] && shift\nexec "$@"\n`);
    chmodSync(fake, 0o755);
    const path = join(logs, 'sudo.log');
    writeFileSync(path, '');
    const ok = new Collector();
    follow('nd-test', path, ok, {}, true);
    await waitFor(() => ok.lastState?.state === 'live', 'live through sudo', 20_000, () => ok.describe());
    appendFileSync(path, '2026/11/22 04:22:29 [notice] 1#1: seq=1 via sudo\n');
    await waitFor(() => ok.seen.has(1), 'a line through sudo');
    writeFileSync(join(sshd.dir, 'sudo-wants-password'), '');
    const denied = new Collector();
    follow('nd-test', path, denied, {}, true);
    await waitFor(() => denied.lastState?.state === 'failed', 'the sudo failure', 20_000, () => denied.describe());
    assert.equal(denied.lastState!.reason, 'sudo');
    assert.match(denied.lastState!.fix!, /adm/);
    rmSync(fake);
  });

  test('remote truth: lines link to the deployed config fetched with nginx -T over the same SSH', { timeout: 60_000, skip: existsSync('/usr/sbin/nginx') ? false : 'nginx is not installed' }, async () => {
    const conf = join(sshd.dir, 'nginx-remote', 'nginx.conf');
    mkdirSync(join(sshd.dir, 'nginx-remote', 'sites'), { recursive: true });
    const d = join(sshd.dir, 'nginx-remote');
    const temps = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((k) => `    ${k}_temp_path ${d}/${k};\n`).join('');
    writeFileSync(conf, `pid ${d}/nginx.pid;\nerror_log ${d}/error.log;\nevents {}\nhttp {\n    access_log off;\n${temps}    include sites/*.conf;\n}\n`);
    writeFileSync(join(sshd.dir, 'nginx-remote', 'sites', 'app.conf'), 'server {\n    listen 127.0.0.1:18080;\n    server_name app.test;\n\n    location /api/ {\n        proxy_pass http://127.0.0.1:9/;\n    }\n}\n');
    const path = join(logs, 'remote-error.log');
    writeFileSync(path, '');
    const events: TailEvent[] = [];
    const copies = join(sshd.dir, 'copies');
    const engine = new TailEngine({ emit: (e) => void events.push(e), sshConfigFile: sshd.clientConfig, remoteNginxConf: conf, remoteConfigDir: copies });
    try {
      await engine.start([{ kind: 'ssh', name: 'web', dest: 'nd-test', path, sudo: false, config: 'remote' }]);
      await waitFor(() => events.some((e) => e.type === 'state' && e.state === 'live'), 'live', 20_000, () => JSON.stringify(events));
      // the deployed config is fetched while the log is followed: its notice may come after "live"
      const note = await waitFor(() => events.find((e) => e.type === 'notice' && e.kind === 'config'), 'the config notice', 20_000, () => JSON.stringify(events));
      assert.match(note && note.type === 'notice' ? note.message : '', /deployed config of nd-test \(nginx -T: 2 file\(s\)/);
      appendFileSync(path, '2026/11/22 04:22:29 [error] 31316#31316: *7 connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: app.test, request: "GET /api/orders HTTP/1.1", upstream: "http://127.0.0.1:9/orders", host: "app.test"\n');
      const line = await waitFor(() => events.find((e): e is TailLineEvent => e.type === 'line'), 'the 502 line', 10_000);
      assert.equal(line.failure, true);
      assert.equal(line.status, 502);
      assert.equal(line.cause?.id, 'upstream-refused');
      assert.deepEqual(line.location, { file: join(sshd.dir, 'nginx-remote', 'sites', 'app.conf'), line: 5, open: join(copies, 'nd-test', ...join(sshd.dir, 'nginx-remote', 'sites', 'app.conf').split('/').filter(Boolean)), modifier: '', pattern: '/api/' });
      assert.ok(existsSync(line.location!.open!), 'a read-only copy to open');
    } finally {
      await engine.stop();
    }
  });
});
