// "Check server for 502 causes" (`nginx-doctor doctor`) against a real nginx on loopback with a
// backend up, one down, a missing unix socket and one nginx's worker may not write to — run on
// this machine and through a real sshd on 127.0.0.1. Each check's status is compared with what
// the test set up; broken hosts (no nginx, unreadable log, failing SSH) give a report, not a trace.
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { DoctorReport } from '../../server/src/protocol/protocol';
import { nginxBinary } from '../helpers/nginx-oracle';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';
import { assertShape, rowOf, runDoctor, runJson } from './run-cli';
import { startSite, type Site } from './site';

const skip = !nginxBinary() ? 'nginx is not installed' : process.getuid?.() !== 0 ? 'needs root (nginx workers switch to nobody)' : false;

describe('nginx-doctor doctor against a real nginx', { skip }, () => {
  let site: Site;
  let sshd: Sshd | undefined;
  before(async () => {
    site = await startSite();
  });
  after(async () => {
    await sshd?.stop();
    await site?.stop();
  });

  const lineOf = (text: string): number => {
    const lines = readFileSync(site.conf, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(text));
    assert.ok(i >= 0, `"${text}" in the config`);
    return i + 1;
  };

  /** The statuses both runs (local and ssh) must give for the site. */
  const assertSite = (r: DoctorReport): void => {
    assertShape(r);
    assert.equal(rowOf(r, 'nginx-installed').status, 'pass');
    const running = rowOf(r, 'nginx-running');
    assert.equal(running.status, 'pass', running.found);
    assert.match(running.found, new RegExp(`master pid ${site.masterPid}, 1 worker`));
    assert.equal(rowOf(r, 'nginx-config-test').status, 'pass', rowOf(r, 'nginx-config-test').found);
    assert.equal(rowOf(r, 'deployed-config').status, 'pass', rowOf(r, 'deployed-config').found);

    const up = rowOf(r, 'backend-reachable', `127.0.0.1:${site.upPort} (upstream app_up)`);
    assert.equal(up.status, 'pass', up.found);
    assert.deepEqual(up.location, { file: site.conf, line: lineOf(`server 127.0.0.1:${site.upPort};`) });
    const down = rowOf(r, 'backend-reachable', `127.0.0.1:${site.downPort}`);
    assert.equal(down.status, 'fail');
    assert.match(down.found, /refused/);
    assert.match(down.title, /upstream app_down/);
    assert.deepEqual(down.location, { file: site.conf, line: lineOf(`server 127.0.0.1:${site.downPort};`) });

    const missing = rowOf(r, 'unix-socket', site.missingSock);
    assert.equal(missing.status, 'fail');
    assert.match(missing.found, /does not exist/);
    assert.equal(missing.location?.line, lineOf(`${site.missingSock}:/`));
    const locked = rowOf(r, 'unix-socket', site.lockedSock);
    assert.equal(locked.status, 'fail', locked.found);
    assert.match(locked.found, /user nobody .*cannot write/);

    // what the port speaks, from its first bytes: app_up answers HTTP where TLS and FastCGI are expected
    const tls = rowOf(r, 'backend-protocol', `https://127.0.0.1:${site.upPort}`);
    assert.equal(tls.status, 'fail', tls.found);
    assert.match(tls.found, /plain HTTP/);
    assert.match(tls.advice, /wrong version number/);
    assert.equal(tls.location?.line, lineOf(`proxy_pass https://127.0.0.1:${site.upPort};`));
    const fcgi = rowOf(r, 'backend-protocol', `fastcgi_pass 127.0.0.1:${site.upPort}`);
    assert.equal(fcgi.status, 'fail', fcgi.found);
    assert.match(fcgi.found, /HTTP, not FastCGI/);

    const ports = rowOf(r, 'backend-ports');
    assert.equal(ports.status, 'fail');
    assert.match(ports.found, new RegExp(`nothing listens on 127\\.0\\.0\\.1:${site.downPort}\\b`));
    assert.doesNotMatch(ports.found, new RegExp(`nothing listens on [^(]*:${site.upPort}\\b`));
    assert.equal(rowOf(r, 'nginx-ports').status, 'pass', rowOf(r, 'nginx-ports').found);

    const log = rowOf(r, 'error-log', site.errorLog);
    assert.equal(log.status, 'fail', log.found);
    assert.match(log.found, /3 upstream failure\(s\)/);
    assert.match(log.found, /upstream-refused/);
    assert.match(log.found, /upstream-socket-missing/);
    assert.match(log.found, /upstream-permission-denied/);
    assert.ok((log.logLines ?? []).length === 3, 'the three failure lines travel with the row');
    assert.ok(log.location && log.location.file === site.conf, 'linked to a location of the config');

    const down502 = rowOf(r, 'location-settings', 'location /down/');
    assert.equal(down502.cause, 'upstream-refused');
    assert.match(down502.found, /proxy_pass http:\/\/app_down \(nginx\.conf:\d+, location\); .*proxy_next_upstream error timeout \(default\)/);
    assert.equal(down502.location?.line, lineOf('location /down/ {'));

    for (const id of ['selinux', 'apparmor']) assert.ok(['skip', 'pass', 'warn'].includes(rowOf(r, id).status), id);
  };

  test('on this machine: every check right, exit 1 because checks fail', { timeout: 60_000 }, async () => {
    const { run, report } = await runJson(['--config', site.conf, '--nginx-conf', site.conf]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.stderr, '');
    assertSite(report);
  });

  test('the text report lists each row with its status, advice and config line', { timeout: 60_000 }, async () => {
    const run = await runDoctor(['--config', site.conf, '--nginx-conf', site.conf]);
    assert.equal(run.code, 1);
    assert.match(run.stdout, /^nginx-doctor: 502 checklist for \S+: \d+ failed, \d+ warning\(s\), \d+ passed, \d+ skipped\n/);
    const block = run.stdout.split('\n\n').find((b) => b.includes(`127.0.0.1:${site.downPort} (upstream app_down)`));
    assert.ok(block, run.stdout);
    assert.match(block, /^FAIL {2}backend/);
    assert.match(block, /advice: {3}Start the backend/);
    assert.match(block, new RegExp(`config: {3}${site.conf}:${lineOf(`server 127.0.0.1:${site.downPort};`)}`));
  });

  test('without --config the deployed config (nginx -T) drives the checks; --save-config makes links to local copies', { timeout: 60_000 }, async () => {
    const save = `${site.prefix}/saved`;
    const { report } = await runJson(['--nginx-conf', site.conf, '--save-config', save]);
    assertShape(report);
    assert.equal(rowOf(report, 'deployed-config').status, 'skip');
    const down = rowOf(report, 'backend-reachable', `127.0.0.1:${site.downPort}`);
    assert.equal(down.status, 'fail');
    assert.equal(down.location?.file, `${save}${site.conf}`);
    assert.match(readFileSync(down.location!.file, 'utf8').split('\n')[down.location!.line - 1]!, new RegExp(`server 127\\.0\\.0\\.1:${site.downPort};`));
  });

  test('a workspace config that differs from the deployed one is reported with the first differing line', { timeout: 60_000 }, async () => {
    const { mkdtempSync } = await import('node:fs');
    const dir = mkdtempSync(`${site.prefix}/ws-`);
    const text = readFileSync(site.conf, 'utf8').replace('worker_processes 1;', 'worker_processes 2;');
    writeFileSync(`${dir}/nginx.conf`, text);
    const { report } = await runJson(['--config', `${dir}/nginx.conf`, '--nginx-conf', site.conf]);
    const d = rowOf(report, 'deployed-config');
    assert.equal(d.status, 'warn');
    assert.match(d.found, /1 file\(s\) differ: nginx\.conf \(from line 3\)/);
    assert.deepEqual(d.location, { file: `${dir}/nginx.conf`, line: 3 });
  });

  test('--error-log reads the given logs instead of the config\'s error_log', { timeout: 60_000 }, async () => {
    const other = join(site.prefix, 'logs', 'copied-error.log');
    copyFileSync(site.errorLog, other);
    const { report } = await runJson(['--config', site.conf, '--nginx-conf', site.conf, '--error-log', other]);
    assert.equal(report.checks.filter((c) => c.id === 'error-log').length, 1);
    const log = rowOf(report, 'error-log', other);
    assert.equal(log.status, 'fail');
    assert.match(log.found, /3 upstream failure\(s\)/);
    const rel = await runDoctor(['--error-log', 'logs/error.log']);
    assert.equal(rel.code, 2);
    assert.match(rel.stderr, /--error-log must be an absolute path/);
  });

  test('a deployed config nginx -t rejects: the error is linked to the workspace file of the same relative path', { timeout: 60_000 }, async () => {
    const { mkdirSync, mkdtempSync } = await import('node:fs');
    const deployed = mkdtempSync(`${site.prefix}/deployed-`);
    const ws = mkdtempSync(`${site.prefix}/ws-`);
    const main = `pid ${deployed}/nginx.pid;\nerror_log ${deployed}/error.log;\nevents {}\nhttp {\n    access_log off;\n    include sites/*.conf;\n}\n`;
    const site1 = `server {\n    listen 127.0.0.1:${site.nginxPort + 1};\n\n    locaton /api/ {\n        proxy_pass http://127.0.0.1:${site.downPort};\n    }\n}\n`;
    for (const dir of [deployed, ws]) {
      mkdirSync(join(dir, 'sites'));
      writeFileSync(join(dir, 'nginx.conf'), main);
      writeFileSync(join(dir, 'sites', 'api.conf'), site1);
    }
    const { report } = await runJson(['--config', join(ws, 'nginx.conf'), '--nginx-conf', join(deployed, 'nginx.conf')]);
    const t = rowOf(report, 'nginx-config-test');
    assert.equal(t.status, 'fail');
    assert.match(t.found, /^\[emerg\] unknown directive "locaton" in .*\/sites\/api\.conf:4$/);
    assert.deepEqual(t.location, { file: join(ws, 'sites', 'api.conf'), line: 4 });
    assert.equal(rowOf(report, 'deployed-config').status, 'skip', 'nginx -T prints nothing when the test fails');
  });

  test('a host without nginx gets a report that says so, not a stack trace', { timeout: 60_000 }, async () => {
    const { run, report } = await runJson(['--config', site.conf, '--nginx', '/opt/nginx-doctor-none/sbin/nginx']);
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stdout + run.stderr, /\n\s+at /);
    const inst = rowOf(report, 'nginx-installed');
    assert.equal(inst.status, 'fail');
    assert.match(inst.found, /no nginx at \/opt\/nginx-doctor-none\/sbin\/nginx/);
    assert.equal(rowOf(report, 'nginx-config-test').status, 'skip');
    // the workspace config still drives the backend probes
    assert.equal(rowOf(report, 'backend-reachable', `127.0.0.1:${site.downPort}`).status, 'fail');
  });

  test('usage errors and an unreadable --config exit 2 with one line', { timeout: 30_000 }, async () => {
    const bad = await runDoctor(['--ssh', '-oProxyCommand=touch /tmp/x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /starts with "-"/);
    const missing = await runDoctor(['--config', `${site.prefix}/none.conf`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read ".*none\.conf"/);
    assert.equal(missing.stdout, '');
  });

  describe('through a real sshd on 127.0.0.1', { skip: sshdAvailable() ?? false }, () => {
    before(async () => {
      sshd = await startSshd();
    });
    const ssh = (): string[] => ['--ssh', 'nd-test', '--ssh-config', sshd!.clientConfig];

    test('every check right over SSH', { timeout: 90_000 }, async () => {
      const { run, report } = await runJson([...ssh(), '--config', site.conf, '--nginx-conf', site.conf]);
      assert.equal(run.code, 1, run.stderr);
      assert.equal(report.host, 'nd-test');
      assertSite(report);
    });

    test('an unreadable error log is a warning that says how to get access', { timeout: 90_000 }, async () => {
      chmodSync(site.errorLog, 0o000);
      try {
        const { report } = await runJson([...ssh(), '--config', site.conf, '--nginx-conf', site.conf]);
        const log = rowOf(report, 'error-log', site.errorLog);
        assert.equal(log.status, 'warn');
        assert.match(log.found, /SSH user cannot read the log/);
        assert.match(log.advice, /adm group|--sudo/);
      } finally {
        chmodSync(site.errorLog, 0o644);
      }
    });

    test('--sudo runs the checks through "sudo -n"; a sudo that wants a password is one clear row', { timeout: 90_000 }, async () => {
      // a stand-in for sudo on the sessions' PATH (the test image has no sudo): logs its use, then "-n --" and the command
      const used = join(sshd!.dir, 'sudo-used');
      const wants = join(sshd!.dir, 'sudo-wants-password');
      writeFileSync(join(sshd!.binDir, 'sudo'), `#!/bin/sh\nprintf '%s\\n' "$*" >> ${JSON.stringify(used)}\nif [ -e ${JSON.stringify(wants)} ]; then echo "sudo: a password is required" >&2; exit 1; fi\n[ "$1" = -n ] && shift\n[ "$1" = -- ] && shift\nexec "$@"\n`, { mode: 0o755 });
      try {
        const ok = await runJson([...ssh(), '--sudo', '--config', site.conf, '--nginx-conf', site.conf]);
        assert.equal(rowOf(ok.report, 'nginx-running').status, 'pass');
        // (NGINX_DOCTOR_COMPARE_CLI runs each command twice: once per CLI)
        const runs = process.env.NGINX_DOCTOR_COMPARE_CLI ? 2 : 1;
        assert.equal(readFileSync(used, 'utf8'), '-n -- sh -s\n-n -- sh -s\n-n -- sh -s\n'.repeat(runs), 'every phase went through sudo -n, with constant words');
        writeFileSync(wants, '');
        const denied = await runJson([...ssh(), '--sudo', '--config', site.conf]);
        assert.equal(denied.run.code, 1);
        assert.equal(denied.report.checks[0]!.id, 'connection');
        assert.match(denied.report.checks[0]!.found, /sudo .*needs a password/);
        assert.match(denied.report.checks[0]!.advice, /passwordless|adm/);
      } finally {
        rmSync(join(sshd!.binDir, 'sudo'), { force: true });
        rmSync(wants, { force: true });
      }
    });

    test('SSH failures are one clear row: wrong key, closed port', { timeout: 90_000 }, async () => {
      const auth = await runJson(['--ssh', 'nd-wrongkey', '--ssh-config', sshd!.clientConfig]);
      assert.equal(auth.run.code, 1);
      assert.equal(auth.report.checks.length, 1);
      const a = auth.report.checks[0]!;
      assert.equal(a.id, 'connection');
      assert.equal(a.status, 'fail');
      assert.match(a.found, /authentication/i);
      assert.match(a.advice, /ssh-add|IdentityFile/);
      const closed = await runJson(['--ssh', 'ssh://nd-test:1', '--ssh-config', sshd!.clientConfig]);
      assert.equal(closed.run.code, 1);
      assert.equal(closed.report.checks[0]!.id, 'connection');
      assert.match(closed.report.checks[0]!.found, /connection|refused/i);
      assert.doesNotMatch(auth.run.stderr + closed.run.stderr, /\n\s+at /);
    });
  });
});
