// `nginx-doctor tail` over a fleet: three real sshd "hosts" on loopback (own ports and keys, one
// ssh_config with an alias each) and one host that never answers. Each host runs its own config
// (`nginx -T` through a per-host nginx on the session PATH): web1 the workspace's, web2 one whose
// site file differs. While writers append numbered lines on every host, web2's sshd is cut and
// restarted: every number of every healthy host arrives exactly once and in order, tagged with its
// host; the silent host is shown as down (reconnecting, "connection") within ssh's timeout while
// the others flow; each host's 502 links to its own config (the workspace file when equal, the
// deployed copy with a "differs" note when not).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO } from '../helpers/repo';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';
import { fleetSshConfig, silentHost, type SilentHost } from '../helpers/fleet';
import type { TailEvent, TailLineEvent, TailStateEvent } from '../../server/src/protocol/protocol';
import { NumberedWriter, sleep, waitFor } from './tools';

const skip = sshdAvailable();

const ROOT_CONF = (pid: string): string => `error_log stderr;\npid ${pid};\nevents {}\nhttp {\n    access_log off;\n    include sites/*.conf;\n}\n`;
const SITE = 'server {\n    listen 127.0.0.1:18080;\n    server_name app.test;\n\n    location /api/ {\n        proxy_pass http://127.0.0.1:9/;\n    }\n}\n';
const SITE_CHANGED = 'server {\n    listen 127.0.0.1:18080;\n    server_name app.test;\n    # hot fix on web2 only\n\n    location /api/ {\n        proxy_pass http://127.0.0.1:9/;\n    }\n}\n';
const LINE502 = (n: number): string => `2026/11/22 04:22:29 [error] 31316#31316: *${n} connect() failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, server: app.test, request: "GET /api/orders HTTP/1.1", upstream: "http://127.0.0.1:9/orders", host: "app.test"\n`;

describe('tail over several SSH hosts (real sshd x3 on 127.0.0.1, one silent host)', { skip: skip ?? false }, () => {
  const hosts: Record<string, Sshd> = {};
  let dead: SilentHost;
  let dir: string;
  let sshConfig: string;
  const ws = (): string => join(dir, 'ws');

  /** The config a host runs: an nginx on its session PATH that adds -c. */
  const deploy = (sshd: Sshd, site: string): void => {
    const etc = join(sshd.dir, 'etc-nginx');
    mkdirSync(join(etc, 'sites'), { recursive: true });
    // the root file is the workspace's text, byte for byte (the pid path is shared and never written by -T)
    writeFileSync(join(etc, 'nginx.conf'), ROOT_CONF(join(dir, 'nginx.pid')));
    writeFileSync(join(etc, 'sites', 'app.conf'), site);
    writeFileSync(join(sshd.binDir, 'nginx'), `#!/bin/sh\nexec /usr/sbin/nginx "$@" -c ${etc}/nginx.conf\n`);
    chmodSync(join(sshd.binDir, 'nginx'), 0o755);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nginx-doctor-fleet-'));
    for (const name of ['web1', 'web2', 'web3']) hosts[name] = await startSshd();
    dead = await silentHost();
    sshConfig = fleetSshConfig(join(dir, 'ssh_config'), hosts, { dead });
    mkdirSync(join(ws(), 'sites'), { recursive: true });
    writeFileSync(join(ws(), 'nginx.conf'), ROOT_CONF(join(dir, 'nginx.pid')));
    writeFileSync(join(ws(), 'sites', 'app.conf'), SITE);
    deploy(hosts.web1!, SITE);
    deploy(hosts.web2!, SITE_CHANGED);
    deploy(hosts.web3!, SITE);
  }, { timeout: 120_000 });

  after(async () => {
    await Promise.all(Object.values(hosts).map((h) => h.stop()));
    await dead?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, { timeout: 30_000 });

  test('every line of every healthy host exactly once through a cut and an sshd restart; the silent host shown as down; per-host links', { timeout: 150_000 }, async () => {
    const writers: Record<string, NumberedWriter> = {};
    const sources = Object.entries(hosts).map(([name, sshd]) => {
      const path = join(sshd.dir, 'error.log');
      writeFileSync(path, '');
      writers[name] = new NumberedWriter(path);
      return { name, host: name, path, config: 'remote' };
    });
    sources.push({ name: 'dead', host: 'dead', path: '/var/log/nginx/error.log', config: 'remote' });
    const sourcesFile = join(dir, 'sources.json');
    writeFileSync(sourcesFile, JSON.stringify(sources));
    const copies = join(dir, 'copies');
    const child: ChildProcess = spawn(process.execPath, [CLI, 'tail', '--format', 'json', '--config', join(ws(), 'nginx.conf'), '--ssh-config', sshConfig,
      '--sources', sourcesFile, '--remote-config-dir', copies, '--from-start', '--rotation-quiet', '200ms'],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NGINX_DOCTOR_TAIL_BACKOFF_MS: '150' } });
    const events: TailEvent[] = [];
    let buf = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const p of parts) if (p) events.push(JSON.parse(p) as TailEvent);
    });
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const states = (host: string): TailStateEvent[] => events.filter((e): e is TailStateEvent => e.type === 'state' && e.host === host);
    const lives = (host: string): number => states(host).filter((s) => s.state === 'live').length;
    const detail = (): string => `${stderr}\n${events.filter((e) => e.type !== 'line').slice(-30).map((e) => JSON.stringify(e)).join('\n')}`;
    try {
      for (const w of Object.values(writers)) w.write(10);
      for (const name of Object.keys(hosts)) await waitFor(() => lives(name) > 0, `${name} live`, 30_000, detail);
      // the healthy hosts flow while the silent one has not even failed its first connection yet
      for (const name of Object.keys(hosts)) await waitFor(() => events.some((e) => e.type === 'line' && e.host === name), `${name}'s first lines`, 30_000, detail);
      const firstDead = events.findIndex((e) => e.type === 'state' && e.host === 'dead' && e.state !== 'connecting');
      const firstLines = Object.keys(hosts).map((h) => events.findIndex((e) => e.type === 'line' && e.host === h));
      assert.ok(firstLines.every((i) => i >= 0), 'lines from every healthy host');
      if (firstDead >= 0) assert.ok(firstLines.every((i) => i < firstDead), 'healthy hosts did not wait for the silent one');
      for (const w of Object.values(writers)) w.start(5, 2);
      await sleep(800);
      const web2 = hosts.web2!;
      let n = lives('web2');
      assert.ok(web2.cutSessions() > 0, 'a web2 session to cut');
      await waitFor(() => lives('web2') > n, 'web2 live again after the cut', 30_000, detail);
      await sleep(500);
      n = lives('web2');
      await web2.restart();
      await waitFor(() => lives('web2') > n, 'web2 live again after the sshd restart', 30_000, detail);
      await sleep(500);
      // the silent host: down (reconnecting: connection) once ssh's connect timeout has passed, never live
      const down = await waitFor(() => states('dead').find((s) => s.state === 'reconnecting'), 'the silent host shown as down', 40_000, detail);
      assert.equal(down.reason, 'connection');
      assert.ok(dead.accepted() > 0, 'ssh did reach the silent host');
      for (const w of Object.values(writers)) w.stop();
      for (const [name, w] of Object.entries(writers)) appendFileSync(w.path, LINE502(1000 + Number(name.slice(3))));
      for (const name of Object.keys(hosts)) {
        await waitFor(() => events.some((e) => e.type === 'line' && e.host === name && e.failure), `${name}'s 502`, 30_000, detail);
      }
      for (const [name, w] of Object.entries(writers)) {
        const seqs = events.filter((e): e is TailLineEvent => e.type === 'line' && e.host === name && !e.failure).map((e) => Number(/seq=(\d+) /.exec(e.text)?.[1]));
        const seen = new Map<number, number>();
        for (const s of seqs) seen.set(s, (seen.get(s) ?? 0) + 1);
        const missing = [];
        for (let i = 1; i <= w.n; i++) if (!seen.has(i)) missing.push(i);
        const duplicated = [...seen].filter(([, c]) => c > 1).map(([s]) => s);
        let back = 0;
        for (let i = 1; i < seqs.length; i++) if (seqs[i]! < seqs[i - 1]!) back++;
        assert.deepEqual({ host: name, missing: missing.slice(0, 10), duplicated: duplicated.slice(0, 10), back }, { host: name, missing: [], duplicated: [], back: 0 }, `${w.n} lines written`);
        assert.ok(w.n > 500, `${name}: enough lines written (${w.n})`);
        assert.ok(seqs.every((s) => Number.isFinite(s)), 'only numbered lines besides the 502');
      }
      assert.ok(states('dead').every((s) => s.state !== 'live'), 'the silent host is never live');
      assert.ok(events.every((e) => e.type !== 'line' || e.host !== 'dead'));
      // per-host links: web1 and web3 run the workspace's file -> the workspace file; web2's differs
      const failure = (h: string): TailLineEvent => events.find((e): e is TailLineEvent => e.type === 'line' && e.host === h && e.failure)!;
      for (const h of ['web1', 'web3']) {
        assert.deepEqual(failure(h).location, { file: join(ws(), 'sites', 'app.conf'), line: 5, modifier: '', pattern: '/api/' }, h);
      }
      const l2 = failure('web2').location!;
      const deployedPath = join(hosts.web2!.dir, 'etc-nginx', 'sites', 'app.conf');
      assert.equal(l2.file, deployedPath);
      assert.equal(l2.line, 6);
      assert.deepEqual(l2.differs, { host: 'web2', workspace: join(ws(), 'sites', 'app.conf'), differsAt: 4 });
      assert.ok(l2.open && existsSync(l2.open) && l2.open.startsWith(join(copies, 'web2')), 'a read-only copy of web2\'s file');
      const notes = events.filter((e) => e.type === 'notice' && e.kind === 'config').map((e) => `${e.host}: ${e.type === 'notice' ? e.message : ''}`);
      assert.ok(notes.some((m) => /^web2: .*1 file\(s\) differ from the workspace, first .*app\.conf from line 4/.test(m)), notes.join('\n'));
      assert.ok(notes.some((m) => /^web1: .*identical to the workspace/.test(m)), notes.join('\n'));
    } finally {
      for (const w of Object.values(writers)) w.close();
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const code = await exited;
      clearTimeout(t);
      assert.equal(code, 0, stderr);
    }
  });
});
