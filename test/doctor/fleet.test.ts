// `nginx-doctor doctor` over several hosts: two real sshd "hosts" on 127.0.0.1 in front of one real
// nginx deployment (test/doctor/site.ts) and one host that never answers. web1's disk is this
// machine's: it runs the workspace's config; web2's sshd lives in a mount namespace where the
// running nginx's config file is a copy with one line changed (as a host whose deployed file
// differs would be). --pid keeps the checks on the test's nginx (other nginx may run on this machine).
// One checklist per host, the silent host one failed connection row, and a fleet summary: web2's
// config differs from the first changed line, the closed backend is down from every host.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DoctorFleetReport } from '../../server/src/protocol/protocol';
import { nginxBinary } from '../helpers/nginx-oracle';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';
import { fleetSshConfig, silentHost, type SilentHost } from '../helpers/fleet';
import { startSite, type Site } from './site';
import { assertShape, rowOf, runDoctor } from './run-cli';

const skip = !nginxBinary() ? 'nginx is not installed' : sshdAvailable() ?? false;

describe('nginx-doctor doctor over several SSH hosts (real sshd x2, real nginx, one silent host)', { skip }, () => {
  let site: Site;
  const hosts: Record<string, Sshd> = {};
  let dead: SilentHost;
  let sshConfig: string;
  let changedLine = 0;

  before(async () => {
    site = await startSite();
    const text = readFileSync(site.conf, 'utf8').split('\n');
    changedLine = text.findIndex((l) => l.includes('worker_processes')) + 1;
    const changed = [...text];
    changed[changedLine - 1] = 'worker_processes 2;';
    const web2Conf = join(site.prefix, 'web2-nginx.conf');
    writeFileSync(web2Conf, changed.join('\n'));
    hosts.web1 = await startSshd();
    hosts.web2 = await startSshd({ binds: [[web2Conf, site.conf]] });
    dead = await silentHost();
    sshConfig = fleetSshConfig(join(hosts.web1.dir, 'fleet_ssh_config'), hosts, { dead });
  }, { timeout: 120_000 });

  after(async () => {
    await Promise.all(Object.values(hosts).map((h) => h.stop()));
    await dead?.close();
    await site?.stop();
  }, { timeout: 30_000 });

  test('one checklist per host, the silent host one failed row, and the fleet summary', { timeout: 150_000 }, async () => {
    const run = await runDoctor(['--config', site.conf, '--pid', String(site.masterPid), '--ssh', 'web1', '--ssh', 'web2', '--ssh', 'dead', '--ssh-config', sshConfig, '--timeout', '30', '--format', 'json'], 140_000);
    assert.equal(run.code, 1, run.stderr);
    const r = JSON.parse(run.stdout) as DoctorFleetReport;
    assertShape(r);
    assert.deepEqual(r.hosts.map((h) => h.host), ['web1', 'web2', 'dead']);
    for (const h of r.hosts.slice(0, 2)) {
      assertShape(h);
      assert.equal(rowOf(h, 'backend-reachable', `127.0.0.1:${site.upPort} (upstream app_up)`).status, 'pass', h.host);
      assert.equal(rowOf(h, 'backend-reachable', `127.0.0.1:${site.downPort}`).status, 'fail', h.host);
    }
    const deadRow = rowOf(r.hosts[2]!, 'connection');
    assert.equal(deadRow.status, 'fail');
    assert.equal(r.hosts[2]!.checks.length, 1);

    assert.deepEqual(r.fleet.config.map((c) => [c.host, c.state]), [['web1', 'same'], ['web2', 'differs'], ['dead', 'unreachable']]);
    const web2 = r.fleet.config[1]!;
    assert.deepEqual(web2.first, { file: site.conf, line: changedLine, workspaceText: 'worker_processes 1;' });
    const down = r.fleet.backends.find((b) => b.backend.includes(`127.0.0.1:${site.downPort}`));
    assert.ok(down, JSON.stringify(r.fleet.backends, null, 1));
    assert.equal(down.scope, 'everywhere');
    assert.deepEqual(down.failing.map((f) => f.host), ['web1', 'web2']);
    assert.ok(!r.fleet.backends.some((b) => b.backend.includes(`127.0.0.1:${site.upPort} `)), 'the backend that is up is not listed');
    // the summary as rows, for readers of the one-host shape
    assert.equal(rowOf(r, 'fleet-config', 'workspace').status, 'warn');
    assert.equal(rowOf(r, 'fleet-config', 'reach').status, 'fail');
    assert.match(rowOf(r, 'fleet-backend', `127.0.0.1:${site.downPort}`).found, /fails from every host \(web1, web2\)/);
  });

  test('the text report: each host, then the fleet summary', { timeout: 120_000 }, async () => {
    const run = await runDoctor(['--config', site.conf, '--pid', String(site.masterPid), '--ssh', 'web1', '--ssh', 'web2', '--ssh-config', sshConfig], 110_000);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /^======== web1\nnginx-doctor: 502 checklist for web1: /m);
    assert.match(run.stdout, /^======== web2\nnginx-doctor: 502 checklist for web2: /m);
    assert.match(run.stdout, /^======== fleet: 2 hosts\nconfig:\n {2}web1 {2}same as the workspace\n {2}web2 {2}DIFFERS: /m);
    assert.ok(run.stdout.includes(`      first difference: ${site.conf}:${changedLine}  (workspace: worker_processes 1;)`), run.stdout);
    assert.ok(run.stdout.includes(`  DOWN EVERYWHERE  backend 127.0.0.1:${site.downPort} (upstream app_down) accepts connections\n      web1: connection refused`), run.stdout);
  });
});
