// A real nginx for the doctor's "follow the running nginx" and "every failing location" tests,
// started as people start a second instance: `nginx -p PREFIX -c conf/proxy.conf -g '...'` (a prefix
// and a config that are not the compiled-in ones), with error logs only the config names, relative
// to the prefix (main level and server level). Twelve locations fail for twelve causes against a
// stub backend (test/helpers/stub-backend.ts) and closed ports; /fixme/ points at a closed port until
// fix() points it at the stub and reloads. One request to each failing location (two to /nolive/)
// makes nginx write the real lines. Every process is ended by stop().
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { freePort, httpRequest, withTimeout } from '../helpers/backends';
import { nginxBinary } from '../helpers/nginx-oracle';
import { startStubBackend } from '../helpers/stub-backend';
import { stopChild, waitPort } from './site';

export interface CausesSite {
  prefix: string;
  /** The -c argument (relative to the prefix) and the file it names. */
  confArg: string;
  conf: string;
  /** Error logs the config declares (resolved). */
  mainLog: string;
  siteLog: string;
  port: number;
  masterPid: number;
  /** location -> the cause id its failure lines must be classified as. */
  expected: Record<string, string>;
  /** Points /fixme/ at the stub backend and reloads nginx (same -p -c -g). */
  fix(): Promise<void>;
  stop(): Promise<void>;
}

const GLOBALS = 'daemon off; worker_processes 1;';

export async function startCausesSite(): Promise<CausesSite> {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx is not installed (apt-get install nginx)');
  const prefix = mkdtempSync('/tmp/nd-follow-');
  chmodSync(prefix, 0o755);
  for (const d of ['conf', 'conf/snippets', 'var', 'var/log', 'tmp']) mkdirSync(join(prefix, d), { mode: 0o755 });
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(prefix, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const f of cleanups.reverse()) await Promise.resolve(f()).catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const stub = await startStubBackend('causes');
    cleanups.push(() => stub.close());
    const closed1 = await freePort();
    const closed2 = await freePort();
    const port = await freePort();
    const lockedSock = join(prefix, 'var', 'locked.sock');
    const locked = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      locked.once('error', reject);
      locked.listen(lockedSock, () => resolve());
    });
    chmodSync(lockedSock, 0o600);
    cleanups.push(() => new Promise<void>((resolve) => locked.close(() => resolve())));
    const s = `127.0.0.1:${stub.port}`;
    const confArg = 'conf/proxy.conf';
    const conf = join(prefix, confArg);
    const text = (fixTarget: string): string => `# written by test/doctor/causes-site.ts
user nobody nogroup;
pid var/nginx.pid;
error_log var/log/main.log info;

events {
    worker_connections 64;
}

http {
    access_log off;
    client_body_temp_path tmp/body;
    proxy_temp_path tmp/proxy;
    fastcgi_temp_path tmp/fastcgi;
    uwsgi_temp_path tmp/uwsgi;
    scgi_temp_path tmp/scgi;
    proxy_read_timeout 1s;

    upstream nolive {
        server 127.0.0.1:${closed1} max_fails=1 fail_timeout=60s;
        server 127.0.0.1:${closed2} max_fails=1 fail_timeout=60s;
    }

    server {
        listen 127.0.0.1:${port};
        server_name follow.test;
        error_log var/log/site-error.log info;

        location /refused/ { proxy_pass http://127.0.0.1:${closed1}; }
        location /missing/ { proxy_pass http://unix:${join(prefix, 'var', 'missing.sock')}:/; }
        location /locked/ { proxy_pass http://unix:${lockedSock}:/; }
        location /slow/ { proxy_pass http://${s}/sleep/2500/; }
        location /big/ {
            proxy_buffer_size 1k;
            proxy_pass http://${s}/bigheader/4000/;
        }
        location /close/ { proxy_pass http://${s}/close/; }
        location /reset/ { proxy_pass http://${s}/reset/; }
        location /garbage/ { proxy_pass http://${s}/garbage/; }
        location /tls/ { proxy_pass https://${s}; }
        location ~ \\.php$ { fastcgi_pass ${s}; }
        location /noresolver/ { proxy_pass http://backend.invalid$request_uri; }
        location /nolive/ { proxy_pass http://nolive; }
        location /fixme/ { proxy_pass http://${fixTarget}/; }
    }
}
`;
    writeFileSync(conf, text(`127.0.0.1:${closed2}`));
    const args = ['-p', prefix, '-c', confArg, '-g', GLOBALS];
    const child: ChildProcess = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    cleanups.splice(1, 0, () => stopChild(child));
    await withTimeout(Promise.race([
      waitPort(port, 10_000),
      new Promise<never>((_, reject) => child.once('exit', (c) => reject(new Error(`nginx exited (${c}): ${stderr}`)))),
    ]), 12_000, 'nginx to start');
    const host = { host: 'follow.test' };
    for (const path of ['/refused/a', '/missing/b', '/locked/c', '/slow/d', '/big/e', '/close/f', '/reset/g', '/garbage/h', '/tls/i', '/x/j.php', '/noresolver/k', '/nolive/l', '/nolive/m', '/fixme/n']) {
      await httpRequest(port, path, host, 10_000).catch(() => undefined);
    }
    const expected: Record<string, string> = {
      '/refused/': 'upstream-refused', '/missing/': 'upstream-socket-missing', '/locked/': 'upstream-permission-denied', '/slow/': 'upstream-read-timeout',
      '/big/': 'upstream-header-too-big', '/close/': 'upstream-prematurely-closed', '/reset/': 'upstream-reset', '/garbage/': 'upstream-not-http',
      '/tls/': 'upstream-tls-to-plain-http', '\\.php$': 'fastcgi-protocol-mismatch', '/noresolver/': 'no-resolver', '/nolive/': 'no-live-upstreams', '/fixme/': 'upstream-refused',
    };
    const fix = async (): Promise<void> => {
      const old = workersOf(child.pid!);
      writeFileSync(conf, text(s));
      const r = spawnSync(bin, [...args, '-s', 'reload'], { encoding: 'utf8', timeout: 10_000 });
      if (r.status !== 0) throw new Error(`nginx -s reload: ${r.stderr}`);
      // done when the old workers are gone and a new one runs (no request is sent: it would be logged)
      const deadline = Date.now() + 10_000;
      for (;;) {
        const now = workersOf(child.pid!);
        if ((now.length && now.every((p) => !old.includes(p))) || Date.now() > deadline) break;
        await new Promise((r2) => setTimeout(r2, 100));
      }
    };
    return {
      prefix, confArg, conf, mainLog: join(prefix, 'var/log/main.log'), siteLog: join(prefix, 'var/log/site-error.log'), port, masterPid: child.pid!, expected, fix, stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The pids of a master's children (its workers), from /proc. */
function workersOf(master: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (new RegExp(`^PPid:\\s+${master}$`, 'm').test(readFileSync(`/proc/${d}/status`, 'utf8'))) out.push(Number(d));
    } catch {
      // gone
    }
  }
  return out;
}

export function confLine(site: CausesSite, text: string): number {
  const i = readFileSync(site.conf, 'utf8').split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`"${text}" not in ${site.conf}`);
  return i + 1;
}
