// One exporter, two hosts: the proxy's error log read here and through a real sshd on 127.0.0.1
// (the `nd-test` alias), so every 502 nginx writes is counted once under each host label. The SSH
// host's sshd is stopped: its source_up drops to 0 while the local one stays 1, the 502s nginx
// writes meanwhile are counted once it is back (no line lost or counted twice), and source_up
// is 1 again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';
import { until } from '../helpers/until';
import { startProxySite, SERVER_NAME, type ProxySite } from './proxy-site';
import { httpGet, startCli, type CliRun } from './cli-run';

/** Sample values of one metric by host. */
async function byHost(at: string, name: string): Promise<Map<string, number>> {
  const text = (await httpGet(at, '/metrics')).body;
  const out = new Map<string, number>();
  for (const m of text.matchAll(new RegExp(`^${name}\\{host="([^"]*)"[^\\n]*\\} (\\S+)$`, 'gm'))) out.set(m[1]!, (out.get(m[1]!) ?? 0) + Number(m[2]));
  return out;
}

test('exporter over a local and an SSH source: counts per host, source_up follows the SSH outage, no line lost or doubled', { timeout: 180_000, skip: sshdAvailable() ?? false }, async () => {
  let site: ProxySite | undefined;
  let sshd: Sshd | undefined;
  let run: CliRun | undefined;
  const me = hostname();
  try {
    site = await startProxySite();
    sshd = await startSshd();
    const sources = [{ name: 'here', path: site.errorLog }, { name: 'there', host: 'nd-test', path: site.errorLog }];
    run = startCli(['exporter', '--metrics', '127.0.0.1:0', '--config', site.conf, '--ssh-config', sshd.clientConfig, '--sources', JSON.stringify(sources)],
      { NGINX_DOCTOR_TAIL_BACKOFF_MS: '200' });
    const at = await run.metricsAt();
    const detail = (): string => `${run!.err().slice(-3000)}`;
    await until(async () => {
      const up = await byHost(at, 'nginx_doctor_source_up');
      return up.get(me) === 1 && up.get('nd-test') === 1;
    }, 'both sources live', 60_000, detail);

    for (let i = 0; i < 3; i++) assert.equal(await site.get(`/api/a${i}`), 502);
    const failures = (): Promise<Map<string, number>> => byHost(at, 'nginx_doctor_upstream_failures_total');
    await until(async () => {
      const f = await failures();
      return f.get(me) === 3 && f.get('nd-test') === 3;
    }, '3 failures under each host', 60_000, detail);
    const text = (await httpGet(at, '/metrics')).body;
    assert.ok(text.includes(`nginx_doctor_upstream_failures_total{host="nd-test",server="${SERVER_NAME}",location="${SERVER_NAME} location /api/ ${site.conf}:${site.line.api}",cause="upstream-refused",status="502"} 3`), text);

    await sshd.down();
    await until(async () => (await byHost(at, 'nginx_doctor_source_up')).get('nd-test') === 0, 'source_up{host="nd-test"} = 0', 60_000, detail);
    assert.equal((await byHost(at, 'nginx_doctor_source_up')).get(me), 1, 'the local source stays up');
    for (let i = 0; i < 2; i++) assert.equal(await site.get(`/app/b${i}`), 502);
    await until(async () => (await failures()).get(me) === 5, 'the local count goes on', 30_000, detail);
    assert.equal((await failures()).get('nd-test'), 3, 'nothing counted for the host that is down');

    await sshd.up();
    await until(async () => {
      const up = await byHost(at, 'nginx_doctor_source_up');
      const f = await failures();
      return up.get('nd-test') === 1 && f.get('nd-test') === 5;
    }, 'nd-test back: up and the 2 failures of the outage counted', 60_000, detail);
    // nothing counted twice once both have settled
    const lines = await byHost(at, 'nginx_doctor_log_lines_total');
    assert.equal(lines.get('nd-test'), lines.get(me));
    assert.deepEqual(await failures(), new Map([[me, 5], ['nd-test', 5]]));
    assert.deepEqual(await run.stop(), { code: 0, signal: null }, run.err());
  } finally {
    run?.child.kill('SIGKILL');
    await sshd?.stop();
    await site?.stop();
  }
});
