// A real nginx on a loopback port in front of two backends nobody listens on: every request to
// /api/ or /app/ is a 502 that nginx writes to its error log ("connect() failed (111: Connection
// refused)"). What nginx answered is counted from its own per-location access logs (status
// only), never by the code under test. stop() ends nginx and removes the prefix.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { freePort, httpRequest, withTimeout } from '../helpers/backends';
import { nginxBinary } from '../helpers/nginx-oracle';

export const SERVER_NAME = 'metrics.test';

export interface ProxySite {
  conf: string;
  errorLog: string;
  port: number;
  /** The line of each location block in conf. */
  line: Record<'api' | 'app' | 'ok', number>;
  /** Requests through nginx (Host: metrics.test); resolves with the status nginx answered. */
  get(path: string): Promise<number>;
  /** Statuses nginx logged for a location, from its access log. */
  statuses(location: 'api' | 'app' | 'ok'): number[];
  stop(): Promise<void>;
}

function waitPort(port: number): Promise<void> {
  return new Promise((resolve) => {
    const attempt = (): void => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => {
        s.destroy();
        resolve();
      });
      s.once('error', () => {
        s.destroy();
        setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startProxySite(): Promise<ProxySite> {
  const bin = nginxBinary();
  if (!bin) throw new Error('nginx is not installed (apt-get install nginx)');
  const prefix = mkdtempSync('/tmp/nd-metrics-');
  chmodSync(prefix, 0o755);
  for (const d of ['logs', 'tmp']) mkdirSync(join(prefix, d), { mode: 0o755 });
  const [port, apiPort, appPort] = [await freePort(), await freePort(), await freePort()];
  const log = (n: string): string => join(prefix, 'logs', n);
  const lines = [
    '# written by test/metrics/proxy-site.ts',
    'worker_processes 1;',
    'daemon off;',
    `pid ${join(prefix, 'nginx.pid')};`,
    `error_log ${log('error.log')} error;`,
    'events { worker_connections 64; }',
    'http {',
    '    log_format status_only $status;',
    '    access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${join(prefix, 'tmp', t)};`),
    `    upstream api_pool { server 127.0.0.1:${apiPort}; }`,
    '    server {',
    `        listen 127.0.0.1:${port};`,
    `        server_name ${SERVER_NAME};`,
    '        location /api/ {',
    `            access_log ${log('api.log')} status_only;`,
    '            proxy_pass http://api_pool;',
    '        }',
    '        location /app/ {',
    `            access_log ${log('app.log')} status_only;`,
    `            proxy_pass http://127.0.0.1:${appPort};`,
    '        }',
    '        location /ok/ {',
    `            access_log ${log('ok.log')} status_only;`,
    '            return 200 "ok\\n";',
    '        }',
    '    }',
    '}',
  ];
  if (process.getuid?.() === 0) lines.splice(1, 0, 'user nobody nogroup;');
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, `${lines.join('\n')}\n`);
  const lineOf = (text: string): number => lines.findIndex((l) => l.trim() === text) + 1;
  const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => child.kill('SIGKILL'), 3_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      });
    }
    rmSync(prefix, { recursive: true, force: true });
  };
  try {
    await withTimeout(Promise.race([
      waitPort(port),
      new Promise<never>((_, reject) => child.once('exit', (c) => reject(new Error(`nginx exited (${c}): ${stderr}`)))),
    ]), 15_000, 'nginx to start');
  } catch (e) {
    await stop();
    throw e;
  }
  const read = (p: string): string => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '';
    }
  };
  return {
    conf,
    errorLog: log('error.log'),
    port,
    line: { api: lineOf('location /api/ {'), app: lineOf('location /app/ {'), ok: lineOf('location /ok/ {') },
    get: async (path) => (await httpRequest(port, path, { host: SERVER_NAME })).status,
    statuses: (l) => read(log(`${l}.log`)).split('\n').filter(Boolean).map(Number),
    stop,
  };
}
