// A real nginx (master + 2 workers) whose error log Debian's logrotate rotates, for the rotation
// tests. Every request to /seq/N goes to a closed backend port, so nginx writes one real
// "connect() failed (111: Connection refused) ... request: "GET /seq/N HTTP/1.1"" line: N is
// the sequence number the tests check. The logrotate configuration is the stock Debian one for
// nginx (/etc/logrotate.d/nginx) pointed at this prefix, in three variants:
//   create         rename + create, postrotate sends USR1 the way Debian's init script does
//                  (start-stop-daemon --stop --signal USR1 --pidfile ... --name nginx)
//   delaycompress  the same with compress + delaycompress (the stock file's choice)
//   copytruncate   copy + truncate in place, no postrotate
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { freePort, withTimeout } from '../helpers/backends';
import { nginxBinary } from '../helpers/nginx-oracle';

export type RotateMode = 'create' | 'delaycompress' | 'copytruncate';

export const LOGROTATE = '/usr/sbin/logrotate';

export function rotatingSiteAvailable(): string | null {
  if (!nginxBinary()) return 'nginx is not installed (apt-get install nginx)';
  if (!existsSync(LOGROTATE)) return 'logrotate is not installed (apt-get install logrotate)';
  if (process.getuid?.() !== 0) return 'logrotate and nginx need root here';
  return null;
}

export interface RotatingSite {
  prefix: string;
  log: string;
  /** Sends GET /seq/N, at most `inFlight` at a time, one every `everyMs`, from first to last. */
  drive(first: number, last: number, everyMs: number): Promise<void>;
  /** Runs logrotate -f once; resolves when it has finished (postrotate included). */
  rotate(): Promise<void>;
  /** The sequence numbers in every generation on disk, oldest generation first. */
  generations(): { file: string; seqs: number[] }[];
  stop(): Promise<void>;
}

const SEQ = /"GET \/seq\/(\d+) HTTP/;

export function seqOf(text: string): number | null {
  const m = SEQ.exec(text);
  return m ? Number(m[1]) : null;
}

export async function startRotatingSite(mode: RotateMode): Promise<RotatingSite> {
  const bin = nginxBinary()!;
  const prefix = mkdtempSync('/tmp/nd-rotate-');
  chmodSync(prefix, 0o755);
  for (const d of ['logs', 'tmp']) mkdirSync(join(prefix, d), { mode: 0o755 });
  const log = join(prefix, 'logs', 'error.log');
  const pid = join(prefix, 'nginx.pid');
  const port = await freePort();
  const closed = await freePort();
  const conf = join(prefix, 'nginx.conf');
  const t = (n: string): string => join(prefix, 'tmp', n);
  writeFileSync(conf, `user nobody nogroup;
worker_processes 2;
daemon off;
pid ${pid};
error_log ${log} error;
events { worker_connections 512; }
http {
    access_log off;
    client_body_temp_path ${t('body')};
    proxy_temp_path ${t('proxy')};
    fastcgi_temp_path ${t('fastcgi')};
    uwsgi_temp_path ${t('uwsgi')};
    scgi_temp_path ${t('scgi')};
    server {
        listen 127.0.0.1:${port};
        server_name rotate.test;
        location /seq/ {
            proxy_pass http://127.0.0.1:${closed};
        }
    }
}
`);
  const rotation = mode === 'copytruncate'
    ? '    copytruncate\n'
    // Debian's file says "create 0640 www-data adm": readable by the adm group, which a log reader
    // joins; here root's group stands in for it (the test sshd's sessions have no DAC override)
    : `${mode === 'delaycompress' ? '    compress\n    delaycompress\n' : ''}    create 0640 nobody root
    sharedscripts
    postrotate
        start-stop-daemon --stop --signal USR1 --quiet --pidfile ${pid} --name nginx
    endscript
`;
  const rconf = join(prefix, 'logrotate.conf');
  writeFileSync(rconf, `${log} {\n    rotate 50\n    missingok\n${rotation}}\n`, { mode: 0o644 });
  const child: ChildProcess = spawn(bin, ['-e', join(prefix, 'logs', 'startup.log'), '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const agent = new Agent({ keepAlive: true, maxSockets: 8 });
  const stop = async (): Promise<void> => {
    agent.destroy();
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await withTimeout(gone, 10_000, 'nginx to stop').catch(() => child.kill('SIGKILL'));
    }
    rmSync(prefix, { recursive: true, force: true });
  };
  const get = (n: number): Promise<void> => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/seq/${n}`, agent, headers: { Host: 'rotate.test' }, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 502 ? resolve() : reject(new Error(`GET /seq/${n}: ${res.statusCode}`))));
    });
    req.on('timeout', () => req.destroy(new Error(`GET /seq/${n} timed out`)));
    req.on('error', reject);
    req.end();
  });
  try {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (existsSync(pid) && (await get(0).then(() => true, () => false))) break;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`nginx did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    prefix,
    log,
    drive: async (first, last, everyMs) => {
      const pending = new Set<Promise<void>>();
      for (let n = first; n <= last; n++) {
        const p = get(n).finally(() => pending.delete(p));
        pending.add(p);
        if (pending.size >= 8) await Promise.race(pending);
        await new Promise((r) => setTimeout(r, everyMs));
      }
      await Promise.all(pending);
    },
    // not spawnSync: a blocked event loop froze the local follower and the requests in flight
    // during logrotate (a slow fsync under load let their 10 s timeouts fire)
    rotate: async () => {
      const lr = spawn(LOGROTATE, ['-f', '-s', join(prefix, 'logrotate.state'), rconf], { stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      lr.stderr!.on('data', (d: Buffer) => (err += d.toString()));
      const code = await withTimeout(new Promise<number | null>((r) => lr.once('close', r)), 30_000, 'logrotate').catch((e: unknown) => {
        lr.kill('SIGKILL');
        throw e;
      });
      if (code !== 0) throw new Error(`logrotate failed (${code}): ${err}`);
    },
    generations: () => {
      const gens = readdirSync(join(prefix, 'logs'))
        .map((f) => ({ f, m: /^error\.log(?:\.(\d+)(\.gz)?)?$/.exec(f) }))
        .filter((x) => x.m)
        .sort((a, b) => (b.m![1] === undefined ? -1 : Number(b.m![1])) - (a.m![1] === undefined ? -1 : Number(a.m![1])));
      return gens.map(({ f, m }) => {
        const raw = readFileSync(join(prefix, 'logs', f));
        const text = (m![2] ? gunzipSync(raw) : raw).toString('utf8');
        return { file: f, seqs: text.split('\n').map(seqOf).filter((n): n is number => n !== null && n > 0) };
      });
    },
    stop,
  };
}
