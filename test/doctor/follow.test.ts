// The doctor follows the nginx that runs (issue #23): a real nginx started with `-p PREFIX -c
// conf/proxy.conf -g '...'`, whose error logs are only named by its config (relative to the prefix,
// at the main and the server level), is found from /proc/PID/cmdline — no --nginx-conf — and its
// config and logs are the ones read; with a second master at once (test/doctor/site.ts, `-c` with
// the compiled-in prefix) both are listed and each is checked. Twelve locations fail for twelve
// causes (real lines nginx wrote): each is reported with the settings of its cause and their lines.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { DoctorCheck, DoctorReport } from '../../server/src/protocol/protocol';
import { nginxBinary } from '../helpers/nginx-oracle';
import { assertShape, rowOf, runDoctor, runJson } from './run-cli';
import { confLine, startCausesSite, type CausesSite } from './causes-site';
import { startSite, type Site } from './site';

const skip = !nginxBinary() ? 'nginx is not installed' : process.getuid?.() !== 0 ? 'needs root (nginx workers switch to nobody)' : false;

/** Settings a location's row must show for its cause (from the config the site wrote, or nginx's default). */
const CAUSE_SETTING: Record<string, RegExp> = {
  'upstream-refused': /proxy_next_upstream error timeout \(default\)/,
  'upstream-socket-missing': /proxy_next_upstream error timeout \(default\)/,
  'upstream-permission-denied': /proxy_next_upstream error timeout \(default\)/,
  'upstream-read-timeout': /proxy_read_timeout 1s \(proxy\.conf:\d+, http\)/,
  'upstream-header-too-big': /proxy_buffer_size 1k \(proxy\.conf:\d+, location\)/,
  'upstream-prematurely-closed': /proxy_http_version 1\.0 \(default\).*|keepalive off \(default\)/,
  'upstream-reset': /keepalive off \(default\)/,
  'upstream-not-http': /proxy_http_version 1\.0 \(default\)/,
  'upstream-tls-to-plain-http': /proxy_ssl_server_name off \(default\)/,
  'fastcgi-protocol-mismatch': /fastcgi_pass 127\.0\.0\.1:\d+ \(proxy\.conf:\d+, location\)/,
  'no-resolver': /resolver \(not set\)/,
  'no-live-upstreams': /proxy_next_upstream_tries 0 \(default\)/,
};

describe('doctor follows the running nginx and reports every failing location', { skip }, () => {
  let site: CausesSite;
  let report: DoctorReport;
  before(async () => {
    site = await startCausesSite();
    // --pid: other nginx masters may run on a shared machine; the config and logs still come from the command line
    report = (await runJson(['--pid', String(site.masterPid)])).report;
  });
  after(async () => {
    await site?.stop();
  });

  test('-p, -c and -g of the master: its config is tested and read, its declared logs are read', () => {
    assertShape(report);
    assert.equal(report.instances?.length, 1);
    const inst = report.instances![0]!;
    assert.equal(inst.pid, site.masterPid);
    assert.equal(inst.conf, site.conf);
    assert.equal(inst.prefix, site.prefix);
    assert.deepEqual(inst.options, ['-p', site.prefix, '-c', site.confArg, '-g', 'daemon off; worker_processes 1;']);
    assert.deepEqual(inst.errorLogs, [site.mainLog, site.siteLog]);
    assert.equal(rowOf(report, 'nginx-config-test').status, 'pass', rowOf(report, 'nginx-config-test').found);
    const log = rowOf(report, 'error-log', site.siteLog);
    assert.equal(log.status, 'fail');
    assert.match(log.found, /upstream-read-timeout/);
    assert.equal(rowOf(report, 'error-log', site.mainLog).status, 'pass');
    // the deployed config drives the checks: a link into it
    assert.equal(rowOf(report, 'unix-socket', 'locked.sock').location?.file, site.conf);
  });

  test('every failing location, grouped by cause, with the settings of its cause and their lines', () => {
    const rows = report.checks.filter((c) => c.id === 'location-settings');
    const where = (c: DoctorCheck): string => /at location (?:~ )?(\S+)/.exec(c.title)![1]!;
    for (const [loc, cause] of Object.entries(site.expected)) {
      const row = rows.find((c) => c.cause === cause && where(c) === loc);
      assert.ok(row, `${cause} at ${loc}: ${rows.map((r) => r.title).join(' | ')}`);
      assert.match(row.found, CAUSE_SETTING[cause]!, `${cause} at ${loc}: ${row.found}`);
      assert.ok(row.settings!.length > 0 && row.failures! >= 1);
      assert.equal(row.location?.file, site.conf);
    }
    assert.ok(new Set(rows.map((r) => r.cause)).size >= 10, 'ten causes or more');
    // links: the limit that was hit, at its line
    const big = rows.find((c) => c.cause === 'upstream-header-too-big')!;
    assert.equal(big.status, 'warn');
    assert.equal(big.location?.line, confLine(site, 'proxy_buffer_size 1k;'));
    const slow = rows.find((c) => c.cause === 'upstream-read-timeout')!;
    assert.equal(slow.location?.line, confLine(site, 'proxy_read_timeout 1s;'));
    // the report puts warnings before passes; within each, grouped by cause, the cause with most
    // failures first, and in a cause, most failures first
    for (const status of ['warn', 'pass']) {
      const these = rows.filter((r) => r.status === status);
      const totals = new Map<string, number>();
      for (const r of these) totals.set(r.cause!, (totals.get(r.cause!) ?? 0) + r.failures!);
      const order = [...new Set(these.map((r) => r.cause!))];
      assert.deepEqual(order.map((c) => totals.get(c)), [...order.map((c) => totals.get(c)!)].sort((a, b) => b - a), order.join(', '));
      const seen: string[] = these.map((r) => r.cause!).filter((c, i, a) => i === 0 || a[i - 1] !== c);
      assert.equal(seen.length, order.length, `each cause's rows stand together: ${seen.join(', ')}`);
    }
    const refused = rows.filter((r) => r.cause === 'upstream-refused');
    assert.deepEqual(refused.map((r) => r.failures), [...refused.map((r) => r.failures!)].sort((a, b) => b - a));
  });

  test('the report lists failures first, then warnings, passes and skips', () => {
    const rank = { fail: 0, warn: 1, pass: 2, skip: 3 };
    const ranks = report.checks.map((c) => rank[c.status]);
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b));
  });

  test('verify the fix: a request through nginx gets 502 before and 200 after a fix + reload; "run again" says which rows pass now', { timeout: 120_000 }, async () => {
    const pid = ['--pid', String(site.masterPid)];
    const before = await runJson([...pid, '--request']);
    const fixmeRow = (r: DoctorReport): DoctorCheck => rowOf(r, 'request-through-nginx', '/fixme/n through nginx (location /fixme/)');
    const b = fixmeRow(before.report);
    assert.equal(b.status, 'fail', b.found);
    assert.match(b.found, new RegExp(`^502 after \\d+\\.\\d{3} s to the first byte .*sent to 127\\.0\\.0\\.1:${site.port} from the host`));
    assert.match(b.title, new RegExp(`^GET http://follow\\.test:${site.port}/fixme/n `));
    // one request per failing location, never more
    const req = before.report.checks.filter((c) => c.id === 'request-through-nginx');
    assert.equal(req.length, new Set(req.map((c) => c.title.replace(/^GET \S+ /, ''))).size);
    assert.equal(req.length, Object.keys(site.expected).length, req.map((c) => c.title).join('\n'));
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const file = `${mkdtempSync(`${site.prefix}/run-`)}/before.json`;
    writeFileSync(file, before.run.stdout);
    await site.fix();
    const after = await runJson([...pid, '--request', '--compare', file]);
    const a = fixmeRow(after.report);
    assert.equal(a.status, 'pass', a.found);
    assert.match(a.found, /^200 after /);
    assert.equal(a.previous, 'fail');
    const c = after.report.compare!;
    assert.equal(c.previous, file);
    assert.equal(c.previousDate, before.report.date);
    assert.ok(c.fixed.some((t) => /\/fixme\/n through nginx/.test(t)), c.fixed.join('\n'));
    assert.ok(c.fixed.some((t) => /^upstream-refused at location \/fixme\/ .*no failures since the previous run/.test(t)), c.fixed.join('\n'));
    // the others still fail, and nothing is new
    assert.ok(c.stillFailing.some((t) => /\/refused\/a through nginx/.test(t)), c.stillFailing.join('\n'));
    assert.ok(!c.fixed.some((t) => /\/refused\//.test(t)));
    assert.deepEqual(c.newFailures, []);
    // log lines from before the previous run do not count
    assert.match(rowOf(after.report, 'error-log', site.siteLog).found, /no upstream failures since the previous run|since the previous run/);
    const text = await runDoctor([...pid, '--compare', file]);
    assert.match(text.stdout, /compared with .*before\.json \(run at .*\): \d+ now pass, \d+ still fail, \d+ new/);
    assert.match(text.stdout, /now passes: {2}.*location \/fixme\//);
    const bad = await runDoctor([...pid, '--compare', site.conf]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not a report of "nginx-doctor doctor --format json"/);
  });

  describe('with a second master at once', () => {
    let other: Site;
    before(async () => {
      other = await startSite();
    });
    after(async () => {
      await other?.stop();
    });

    test('both are listed and each is checked with its own config and logs; rows that differ name their master', { timeout: 90_000 }, async () => {
      const { report: r } = await runJson([]);
      const pids = (r.instances ?? []).map((i) => i.pid);
      assert.ok(pids.includes(site.masterPid) && pids.includes(other.masterPid), `${pids.join(', ')}`);
      assert.equal(r.instances!.find((i) => i.pid === other.masterPid)!.conf, other.conf);
      assert.deepEqual(r.instances!.find((i) => i.pid === other.masterPid)!.errorLogs, [other.errorLog]);
      const running = rowOf(r, 'nginx-running');
      assert.match(running.found, new RegExp(`pid ${site.masterPid}: ${site.conf.replace(/[.]/g, '\\.')}`));
      assert.match(running.found, new RegExp(`pid ${other.masterPid}: ${other.conf.replace(/[.]/g, '\\.')}`));
      const mine = rowOf(r, 'error-log', `${site.siteLog} [nginx pid ${site.masterPid}]`);
      assert.equal(mine.status, 'fail');
      assert.equal(mine.instance, site.masterPid);
      const theirs = rowOf(r, 'error-log', `${other.errorLog} [nginx pid ${other.masterPid}]`);
      assert.match(theirs.found, /upstream-socket-missing/);
      assert.ok(r.checks.some((c) => c.id === 'location-settings' && c.instance === other.masterPid && /location \/down\//.test(c.title)));
      assert.ok(r.checks.some((c) => c.id === 'location-settings' && c.instance === site.masterPid && c.cause === 'upstream-header-too-big'));
      // --pid picks one
      const one = (await runJson(['--pid', String(other.masterPid)])).report;
      assert.deepEqual(one.instances!.map((i) => i.pid), [other.masterPid]);
      assert.ok(!one.checks.some((c) => c.instance !== undefined));
    });
  });
});
