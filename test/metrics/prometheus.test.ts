// The proof of #20 part 2 with the real things: Debian's nginx answers 502s (requests through it
// to backends nobody listens on), `nginx-doctor tail --metrics` follows its error log, Debian's
// Prometheus scrapes the endpoint on loopback, and PromQL through Prometheus's HTTP API returns
// per location the 502s nginx logged in that location's own access log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../helpers/repo';
import { prometheusMissing, startPrometheus, type RunningPrometheus } from '../helpers/prometheus';
import { waitFor } from '../tail/tools';
import { until } from '../helpers/until';
import { startProxySite, SERVER_NAME, type ProxySite } from './proxy-site';
import { startCli, type CliRun } from './cli-run';

const RULES = join(REPO, 'docs', 'prometheus', 'nginx-doctor.rules.yml');

test('real nginx 502s, tail --metrics, real Prometheus: PromQL returns the 502s nginx logged, per location', { timeout: 180_000 }, async () => {
  assert.equal(prometheusMissing(), null);
  let site: ProxySite | undefined;
  let tail: CliRun | undefined;
  let prom: RunningPrometheus | undefined;
  try {
    site = await startProxySite();
    const linesBefore = readFileSync(site.errorLog, 'utf8').split('\n').filter(Boolean).length;
    tail = startCli(['tail', '--config', site.conf, '--failures', '--format', 'json', '--metrics', '127.0.0.1:0', site.errorLog]);
    const at = await tail.metricsAt();
    await waitFor(() => tail!.out().includes('"state":"live"'), 'the tail to be live', 20_000, tail.err);
    prom = await startPrometheus([at], [RULES]);

    const asked = { api: 7, app: 4, ok: 3 };
    for (const [loc, n] of Object.entries(asked)) for (let i = 0; i < n; i++) await site.get(`/${loc}/item${i}`);
    // what nginx says it answered, per location
    const nginx502 = (l: 'api' | 'app' | 'ok'): number => site!.statuses(l).filter((s) => s === 502).length;
    assert.deepEqual(site.statuses('ok'), [200, 200, 200]);
    assert.equal(site.statuses('api').length, asked.api);
    assert.equal(site.statuses('app').length, asked.app);
    const expected = new Map([
      [`${SERVER_NAME} location /api/ ${site.conf}:${site.line.api}`, nginx502('api')],
      [`${SERVER_NAME} location /app/ ${site.conf}:${site.line.app}`, nginx502('app')],
    ]);
    assert.deepEqual([...expected.values()], [7, 4], 'nginx answered 502 to every /api/ and /app/ request');

    const q = `sum by (host, server, location, status) (nginx_doctor_upstream_failures_total{status="502"})`;
    let last: unknown = null;
    await until(async () => {
      const rows = await prom!.query(q);
      last = rows;
      const got = new Map(rows.map((r) => [r.metric.location!, r.value]));
      return got.size === expected.size && [...expected].every(([k, v]) => got.get(k) === v);
    }, 'Prometheus to have scraped the counts nginx produced', 90_000, () => `last answer: ${JSON.stringify(last)}\nPrometheus: ${prom!.log()}\ntail: ${tail!.err()}`);
    const rows = await prom.query(q);
    for (const r of rows) {
      assert.equal(r.metric.host, hostname(), 'a local file is labelled with this machine');
      assert.equal(r.metric.server, SERVER_NAME);
    }

    // every line nginx wrote to the error log was counted; none was left unlinked; the source is up
    const lines = readFileSync(site.errorLog, 'utf8').split('\n').filter(Boolean).length - linesBefore;
    assert.ok(lines >= 11, `nginx wrote ${lines} error lines`);
    const scalar = async (expr: string): Promise<number | undefined> => (await prom!.query(expr))[0]?.value;
    await until(async () => (await scalar(`sum(nginx_doctor_log_lines_total{host="${hostname()}"})`)) === lines, `nginx_doctor_log_lines_total = ${lines}`, 30_000);
    assert.equal(await scalar('sum(nginx_doctor_unlinked_lines_total)'), 0);
    assert.equal(await scalar('min(nginx_doctor_source_up)'), 1);
    assert.equal((await prom.query(`nginx_doctor_upstream_failures_total{location=~".*/ok/.*"}`)).length, 0, 'the location that answered 200 has no series');

    // the shipped rules loaded and were evaluated without errors
    const groups = (await prom.api('/api/v1/rules') as { groups: { rules: { name: string; health: string; lastError?: string }[] }[] }).groups;
    const rules = groups.flatMap((g) => g.rules);
    assert.equal(rules.length, 5);
    for (const r of rules) assert.notEqual(r.health, 'err', `${r.name}: ${r.lastError ?? ''}`);

    assert.deepEqual(await tail.stop(), { code: 0, signal: null }, tail.err());
  } finally {
    tail?.child.kill('SIGKILL');
    await prom?.stop();
    await site?.stop();
  }
});
