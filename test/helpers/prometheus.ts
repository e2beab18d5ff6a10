// Debian's Prometheus server for tests: its own config, data directory and loopback port, started
// and stopped by the test (the packaged service stays stopped). query() goes through the HTTP
// API (/api/v1/query), as a dashboard would.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort, withTimeout } from './backends';

export const PROMETHEUS = '/usr/bin/prometheus';
export const PROMTOOL = '/usr/bin/promtool';

/** Why Prometheus cannot run here, or null. */
export function prometheusMissing(): string | null {
  for (const p of [PROMETHEUS, PROMTOOL]) if (!existsSync(p)) return `${p} is missing (apt-get install prometheus)`;
  return spawnSync(PROMTOOL, ['--version'], { timeout: 10_000 }).status === 0 ? null : 'promtool --version failed';
}

export interface Sample {
  metric: Record<string, string>;
  value: number;
}

export interface RunningPrometheus {
  port: number;
  /** An instant query; rejects when Prometheus answers with an error. */
  query(q: string): Promise<Sample[]>;
  /** GET a path of the HTTP API, parsed JSON. */
  api(path: string): Promise<unknown>;
  log(): string;
  stop(): Promise<void>;
}

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Prometheus scraping `targets` (host:port) every second, with `ruleFiles` loaded. */
export async function startPrometheus(targets: string[], ruleFiles: string[] = []): Promise<RunningPrometheus> {
  const dir = mkdtempSync('/tmp/nd-prometheus-');
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, `global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files: ${JSON.stringify(ruleFiles)}
scrape_configs:
  - job_name: nginx-doctor
    static_configs:
      - targets: ${JSON.stringify(targets)}
`);
  const child: ChildProcess = spawn(PROMETHEUS, [
    `--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    // the packaged defaults point at /usr/share/prometheus; nothing of it is needed here
    '--log.level=warn',
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const api = async (path: string): Promise<unknown> => {
    const r = await get(port, path);
    const j = JSON.parse(r.body) as { status: string; error?: string; data: unknown };
    if (j.status !== 'success') throw new Error(`Prometheus ${path}: ${j.error ?? r.body}`);
    return j.data;
  };
  try {
    await withTimeout((async () => {
      for (;;) {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${log}`);
        const r = await get(port, '/-/ready').catch(() => null);
        if (r?.status === 200) return;
        await new Promise((res) => setTimeout(res, 200));
      }
    })(), 60_000, `prometheus to be ready on 127.0.0.1:${port}`);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    port,
    api,
    query: async (q) => {
      const data = (await api(`/api/v1/query?query=${encodeURIComponent(q)}`)) as { result: { metric: Record<string, string>; value: [number, string] }[] };
      return data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
    },
    log: () => log,
    stop,
  };
}
