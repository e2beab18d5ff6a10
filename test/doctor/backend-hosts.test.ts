// The doctor's third hop with real parts: a config whose backends fail from this machine, mapped
// (--backends) to their machine over a real sshd on 127.0.0.1 (the `nd-test` alias), or to the
// nginx host itself (no "host": `sh -s` here). What the rows say is checked against this machine:
// a real listener on 127.0.0.1 that the config names as 127.0.0.2, whether systemd is PID 1 here
// (/run/systemd/system), what journalctl prints here. A mapped machine whose SSH port is closed
// gives one warn row; a backend that answers gets no row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DoctorCheck, DoctorReport } from '../../server/src/protocol/protocol';
import { freePort, listenInRange } from '../helpers/backends';
import { CLI, REPO } from '../helpers/repo';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';

function doctor(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'doctor', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`doctor did not finish within 120 s\n${stdout}\n${stderr}`));
    }, 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('backends mapped to their machines: unit, listening sockets and journal, over a real sshd and locally', { timeout: 180_000, skip: sshdAvailable() ?? false }, async () => {
  let sshd: Sshd | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'nd-backend-hosts-'));
  const up = createServer((s) => s.destroy());
  const loopbackOnly = createServer((s) => s.destroy());
  try {
    sshd = await startSshd();
    const upPort = await listenInRange(up);
    const lbPort = await listenInRange(loopbackOnly); // bound to 127.0.0.1 only
    const [down, down2] = [await freePort(), await freePort()];
    const conf = join(dir, 'nginx.conf');
    writeFileSync(conf, `events {}
http {
    upstream app_pool { server 127.0.0.1:${down}; }
    server {
        listen 127.0.0.1:${await freePort()};
        location / { proxy_pass http://app_pool; }
        location /other/ { proxy_pass http://127.0.0.2:${lbPort}; }
        location /up/ { proxy_pass http://127.0.0.1:${upPort}; }
        location /far/ { proxy_pass http://127.0.0.1:${down2}; }
    }
}
`);
    const backends = {
      app_pool: { host: 'nd-test', unit: 'nd-app.service' },
      [`127.0.0.2:${lbPort}`]: { unit: 'nd-other.service' },
      [`127.0.0.1:${upPort}`]: { host: 'nd-test', unit: 'nd-up.service' },
      [`127.0.0.1:${down2}`]: { host: 'ssh://nd-test:1', unit: 'nd-far.service' },
    };
    const r = await doctor(['--config', conf, '--ssh-config', sshd.clientConfig, '--timeout', '30', '--backends', JSON.stringify(backends), '--format', 'json']);
    const report = JSON.parse(r.stdout) as DoctorReport;
    const rows = (id: string): DoctorCheck[] => report.checks.filter((c) => c.id === id);

    // systemd: what this machine is
    const booted = existsSync('/run/systemd/system');
    // (the report lists failures first: rows in the order of the backends named below)
    const byTitle = (list: DoctorCheck[], parts: string[]): DoctorCheck[] => parts.map((p) => {
      const hit = list.filter((c) => c.title.includes(p));
      assert.equal(hit.length, 1, `one row with "${p}" in ${JSON.stringify(list.map((c) => c.title))}`);
      return hit[0]!;
    });
    const service = byTitle(rows('backend-service'), [`:${down}:`, `:${lbPort}:`, `:${down2}:`]);
    assert.equal(rows('backend-service').length, 3);
    assert.deepEqual(service.map((c) => c.title), [
      `backend 127.0.0.1:${down}: service nd-app.service on nd-test`,
      `backend 127.0.0.2:${lbPort}: service nd-other.service on this machine`,
      `backend 127.0.0.1:${down2}: service nd-far.service on ssh://nd-test:1`,
    ], r.stderr);
    for (const [c, host] of [[service[0]!, 'nd-test'], [service[1]!, 'this machine']] as const) {
      if (booted) assert.deepEqual([c.status, c.found], ['fail', `${c.title.split('service ')[1]!.split(' ')[0]} is inactive (stopped, or no such unit)`]);
      else {
        assert.equal(c.status, 'skip');
        assert.match(c.found, new RegExp(`^systemd is not running on ${host} \\(no /run/systemd/system`));
      }
    }
    assert.equal(service[2]!.status, 'warn');
    assert.match(service[2]!.found, /^cannot run the checks on ssh:\/\/nd-test:1: /);

    // listening sockets: nothing on the down port; the real listener on 127.0.0.1, not 127.0.0.2
    assert.equal(rows('backend-listening').length, 2, JSON.stringify(rows('backend-listening')));
    const listening = byTitle(rows('backend-listening'), [`:${down}:`, `:${lbPort}:`]);
    assert.equal(listening[0]!.status, 'fail');
    assert.match(listening[0]!.found, new RegExp(`^nothing listens on port ${down} \\((ss -ltn|/proc/net/tcp)\\)`));
    assert.equal(listening[1]!.status, 'fail');
    assert.match(listening[1]!.found, new RegExp(`^port ${lbPort} listens on 127\\.0\\.0\\.1:${lbPort} \\((ss -ltn|/proc/net/tcp)\\), not on 127\\.0\\.0\\.2$`));

    // the journal: what journalctl says on this machine about a unit that never ran
    const journal = rows('backend-journal');
    assert.equal(journal.length, 2);
    const here = spawnSync('journalctl', ['-u', 'nd-app.service', '-n', '20', '--no-pager'], { encoding: 'utf8' });
    if (here.error) for (const c of journal) assert.match(c.found, /^journalctl is not installed on /);
    else {
      const expected = /No journal files were found/.test(`${here.stdout}${here.stderr}`) ? /^no journal on that machine/ : /^no journal entries|^no permission/;
      for (const c of journal) {
        assert.equal(c.status, 'skip');
        assert.match(c.found, expected);
      }
    }
    // the backend that answers has no such rows; each row links the config line of its backend
    assert.ok(!report.checks.some((c) => c.title.includes(`:${upPort}: `)));
    assert.deepEqual(service[0]!.location, { file: conf, line: 3 });
  } finally {
    up.close();
    loopbackOnly.close();
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--backends is checked before anything runs: hostile destinations and units are usage errors', { timeout: 60_000 }, async () => {
  for (const [json, message] of [
    ['{"a": {"host": "-oProxyCommand=touch /tmp/x", "unit": "a.service"}}', /starts with "-"/],
    ['{"a": {"unit": "a.service; rm -rf /"}}', /is not a systemd unit name/],
    ['{"a": {"unit": "-H"}}', /is not a systemd unit name/],
    ['{"a": {"host": "web1"}}', /needs "unit"/],
    ['[1]', /must be an object/],
    ['nope', /--backends must be a JSON object/],
  ] as const) {
    const r = await doctor(['--backends', json]);
    assert.equal(r.code, 2, `${json}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
  }
});
