// `nginx-doctor exporter` as a service runs it, against a real nginx's 502s: no lines on stdout,
// /metrics in the text format that `promtool check metrics` accepts, other paths and methods
// refused; the series cap folds further locations into location="(over limit)"; a busy port
// and a bad address are usage errors (exit 2) before anything is followed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { listenInRange } from '../helpers/backends';
import { PROMTOOL, prometheusMissing } from '../helpers/prometheus';
import { until } from '../helpers/until';
import { waitFor } from '../tail/tools';
import { startProxySite, SERVER_NAME, type ProxySite } from './proxy-site';
import { httpGet, startCli, type CliRun } from './cli-run';

/** Value of each sample of one metric in a text exposition, by its label text. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}\\{([^\\n]*)\\} (\\S+)$`, 'gm'))) out.set(m[1]!, Number(m[2]));
  return out;
}

test('exporter: prints no lines, serves /metrics that promtool accepts, 404/405 elsewhere, stops on SIGTERM', { timeout: 90_000 }, async () => {
  assert.equal(prometheusMissing(), null);
  let site: ProxySite | undefined;
  let run: CliRun | undefined;
  try {
    site = await startProxySite();
    run = startCli(['exporter', '--metrics', '127.0.0.1:0', '--config', site.conf, site.errorLog]);
    const at = await run.metricsAt();
    await waitFor(() => /live: following/.test(run!.err()), 'the live state', 20_000, run.err);
    for (let i = 0; i < 3; i++) assert.equal(await site.get(`/app/x${i}`), 502);
    const location = `${SERVER_NAME} location /app/ ${site.conf}:${site.line.app}`;
    let text = '';
    await until(async () => {
      text = (await httpGet(at, '/metrics')).body;
      return [...samples(text, 'nginx_doctor_upstream_failures_total').values()][0] === 3;
    }, 'three failures on /metrics', 30_000, () => text);
    const r = await httpGet(at, '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.type, /^text\/plain; version=0\.0\.4/);
    const failures = samples(r.body, 'nginx_doctor_upstream_failures_total');
    assert.equal(failures.size, 1);
    const labels = [...failures.keys()][0]!;
    assert.match(labels, new RegExp(`server="${SERVER_NAME}"`));
    assert.ok(labels.includes(`location="${location}"`), labels);
    assert.match(labels, /cause="upstream-refused",status="502"/);
    // the exposition is what Prometheus's own linter accepts
    const lint = spawnSync(PROMTOOL, ['check', 'metrics'], { input: r.body, encoding: 'utf8', timeout: 30_000 });
    assert.equal(lint.status, 0, `${lint.stdout}${lint.stderr}`);
    assert.equal((await httpGet(at, '/')).status, 200);
    assert.equal((await httpGet(at, '/other')).status, 404);
    assert.equal((await httpGet(at, '/metrics', 'POST')).status, 405);
    assert.equal(run.out(), '', 'the exporter prints no log lines');
    assert.deepEqual(await run.stop(), { code: 0, signal: null }, run.err());
  } finally {
    run?.child.kill('SIGKILL');
    await site?.stop();
  }
});

test('--metrics-max-series: failures past the cap are counted under location="(over limit)", with one warning', { timeout: 90_000 }, async () => {
  let site: ProxySite | undefined;
  let run: CliRun | undefined;
  try {
    site = await startProxySite();
    run = startCli(['tail', '--failures', '--metrics', '0', '--metrics-max-series', '1', '--config', site.conf, site.errorLog]);
    const at = await run.metricsAt();
    assert.match(at, /^127\.0\.0\.1:\d+$/, 'a port alone binds loopback');
    await waitFor(() => /live: following/.test(run!.err()), 'the live state', 20_000, run.err);
    for (const p of ['/api/a', '/app/a', '/app/b', '/api/b']) assert.equal(await site.get(p), 502);
    let text = '';
    await until(async () => {
      text = (await httpGet(at, '/metrics')).body;
      return [...samples(text, 'nginx_doctor_upstream_failures_total').values()].reduce((a, b) => a + b, 0) === 4;
    }, 'four failures on /metrics', 30_000, () => text);
    const byLocation = new Map([...samples(text, 'nginx_doctor_upstream_failures_total')].map(([k, v]) => [/location="([^"]*)"/.exec(k)![1], v]));
    assert.deepEqual(byLocation, new Map([[`${SERVER_NAME} location /api/ ${site.conf}:${site.line.api}`, 2], ['(over limit)', 2]]));
    assert.equal(run.err().match(/more than 1 failure series/g)?.length, 1, run.err());
    assert.equal(run.out().match(/=> 502/g)?.length, 4, 'tail --metrics still prints the lines');
  } finally {
    await run?.stop();
    await site?.stop();
  }
});

test('a busy metrics port and a bad address are usage errors (exit 2) with the reason', { timeout: 60_000 }, async () => {
  const busy = createServer();
  const port = await listenInRange(busy);
  try {
    for (const [args, message] of [
      [['exporter', '--metrics', `127.0.0.1:${port}`, '/var/log/nginx/error.log'], new RegExp(`cannot serve metrics on 127\\.0\\.0\\.1:${port}: the address is in use`)],
      [['tail', '--metrics', 'localhost:99999', '/tmp/x.log'], /--metrics must be PORT, HOST:PORT or \[IPv6\]:PORT/],
      [['tail', '--metrics', 'http://x:1', '/tmp/x.log'], /--metrics must be/],
      [['tail', '--metrics-max-series', '5', '/tmp/x.log'], /--metrics-max-series needs --metrics/],
      [['tail', '--metrics', '0', '--metrics-max-series', '0', '/tmp/x.log'], /--metrics-max-series must be a whole number/],
      [['exporter', '--format', 'json', '/tmp/x.log'], /unknown option --format/],
    ] as const) {
      const run = startCli([...args]);
      const x = await run.exit;
      assert.equal(x.code, 2, `${args.join(' ')}: ${run.err()}`);
      assert.match(run.err(), message);
    }
  } finally {
    busy.close();
  }
});
