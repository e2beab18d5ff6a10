// The CLI as a service runs it: spawned with a fixed argv, stderr collected, the metrics address
// read from its "metrics at http://HOST:PORT/metrics" line, SIGTERM to stop (SIGKILL after 5 s).
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { CLI, REPO } from '../helpers/repo';
import { waitFor } from '../tail/tools';

export interface CliRun {
  child: ChildProcess;
  out(): string;
  err(): string;
  exit: Promise<{ code: number | null; signal: string | null }>;
  /** host:port of the metrics endpoint, once printed. */
  metricsAt(): Promise<string>;
  stop(): Promise<{ code: number | null; signal: string | null }>;
}

export function startCli(args: string[], env: Record<string, string> = {}): CliRun {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return {
    child,
    out: () => out,
    err: () => err,
    exit,
    metricsAt: () => waitFor(() => /metrics at http:\/\/([^/\s]+)\/metrics/.exec(err)?.[1], 'the metrics address', 20_000, () => err),
    stop: async () => {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      const x = await exit;
      clearTimeout(t);
      return x;
    },
  };
}

export function httpGet(at: string, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> {
  const [host, port] = [at.slice(0, at.lastIndexOf(':')), Number(at.slice(at.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
