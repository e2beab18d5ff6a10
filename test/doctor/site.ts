// A small real deployment for the "Check server for 502 causes" tests: Debian's nginx (master +
// one worker running as nobody) on a loopback port in front of
//   app_up      a TCP backend that is up
//   app_down    a TCP port where nothing listens
//   /missing/   a unix socket path that does not exist
//   /locked/    a listening unix socket only root may write to (mode 0600)
//   /tls/, .php https:// and fastcgi_pass to app_up's plain-HTTP port (not requested)
// One request to each failing location makes nginx write the real 502 lines to its error log.
// Every path is absolute (so `nginx -t -c CONF` works without -p); stop() ends everything.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { freePort, httpRequest, startBackend, withTimeout, type Backend } from '../helpers/backends';
import { nginxBinary } from '../helpers/nginx-oracle';

export interface Site {
  prefix: string;
  conf: string;
  errorLog: string;
  nginxPort: number;
  upPort: number;
  downPort: number;
  missingSock: string;
  lockedSock: string;
  masterPid: number;
  stop(): Promise<void>;
}

export function waitPort(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listened on ${port} within ${ms} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startSite(): Promise<Site> {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx is not installed (apt-get install nginx)');
  const prefix = mkdtempSync('/tmp/nd-doctor-');
  chmodSync(prefix, 0o755);
  for (const d of ['logs', 'run', 'tmp']) mkdirSync(join(prefix, d), { mode: 0o755 });
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(prefix, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const f of cleanups.reverse()) await Promise.resolve(f()).catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    const up: Backend = await startBackend('up');
    cleanups.push(() => up.close());
    const downPort = await freePort();
    const nginxPort = await freePort();
    const missingSock = join(prefix, 'run', 'missing.sock');
    const lockedSock = join(prefix, 'run', 'app.sock');
    const locked = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve, reject) => {
      locked.once('error', reject);
      locked.listen(lockedSock, () => resolve());
    });
    chmodSync(lockedSock, 0o600);
    cleanups.push(() => new Promise<void>((resolve) => locked.close(() => resolve())));
    const errorLog = join(prefix, 'logs', 'error.log');
    const conf = join(prefix, 'nginx.conf');
    const t = (n: string): string => join(prefix, 'tmp', n);
    writeFileSync(conf, `# written by test/doctor/site.ts
user nobody nogroup;
worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${errorLog} info;

events {
    worker_connections 64;
}

http {
    access_log ${join(prefix, 'logs', 'access.log')};
    client_body_temp_path ${t('body')};
    proxy_temp_path ${t('proxy')};
    fastcgi_temp_path ${t('fastcgi')};
    uwsgi_temp_path ${t('uwsgi')};
    scgi_temp_path ${t('scgi')};

    upstream app_up {
        server 127.0.0.1:${up.port};
    }

    upstream app_down {
        server 127.0.0.1:${downPort};
    }

    server {
        listen 127.0.0.1:${nginxPort};
        server_name doctor.test;

        location /up/ {
            proxy_pass http://app_up;
        }

        location /down/ {
            proxy_pass http://app_down;
        }

        location /missing/ {
            proxy_pass http://unix:${missingSock}:/;
        }

        location /locked/ {
            proxy_pass http://unix:${lockedSock}:/;
        }

        # not requested: the doctor's protocol probe finds that app_up speaks plain HTTP
        location /tls/ {
            proxy_pass https://127.0.0.1:${up.port};
        }

        location ~ \.php$ {
            fastcgi_pass 127.0.0.1:${up.port};
        }
    }
}
`);
    const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    cleanups.splice(1, 0, () => stopChild(child));
    await withTimeout(Promise.race([
      waitPort(nginxPort, 10_000),
      new Promise<never>((_, reject) => child.once('exit', (c) => reject(new Error(`nginx exited (${c}): ${stderr}${safeRead(errorLog)}`)))),
    ]), 12_000, 'nginx to start');
    for (const path of ['/up/', '/down/x', '/missing/', '/locked/']) {
      await httpRequest(nginxPort, path, { host: 'doctor.test' });
    }
    return { prefix, conf, errorLog, nginxPort, upPort: up.port, downPort, missingSock, lockedSock, masterPid: child.pid!, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return '';
  }
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
