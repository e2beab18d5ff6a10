// The alert rules shipped in docs/prometheus/ are what Prometheus accepts (`promtool check
// rules`), and they fire exactly where rules.test.yml says, on hand-written series evaluated by
// Prometheus's own rule engine (`promtool test rules`): a location whose 502 rate jumped (not one
// that was always high), a cause on every host (not on one), a log not followed for 5 minutes;
// and the example unit file is one systemd reads without complaint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, REPO } from '../helpers/repo';
import { PROMTOOL, prometheusMissing } from '../helpers/prometheus';

const DIR = join(REPO, 'test', 'metrics');
const RULES = join(REPO, 'docs', 'prometheus', 'nginx-doctor.rules.yml');

function promtool(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(PROMTOOL, args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('promtool check rules accepts the shipped rules file', () => {
  assert.equal(prometheusMissing(), null);
  const r = promtool('check', 'rules', RULES);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUCCESS: 5 rules found/);
});

test('promtool test rules: the alerts fire on the series of rules.test.yml and only there', () => {
  const r = promtool('test', 'rules', 'rules.test.yml');
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUCCESS/);
});

test('the shipped systemd unit passes systemd-analyze verify without a warning', () => {
  const text = readFileSync(join(REPO, 'docs', 'prometheus', 'nginx-doctor-exporter.service'), 'utf8');
  assert.match(text, /^ExecStart=\/usr\/bin\/nginx-doctor exporter --metrics 127\.0\.0\.1:9925 /m);
  const dir = mkdtempSync(join(tmpdir(), 'nd-unit-'));
  try {
    // the unit as installed, with this checkout's CLI where the package puts nginx-doctor
    const unit = join(dir, 'nginx-doctor-exporter.service');
    writeFileSync(unit, text.replace('/usr/bin/nginx-doctor', `${process.execPath} ${CLI}`));
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.error, undefined, 'systemd-analyze (Debian package systemd) runs');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr.trim(), '', 'no unknown keys or other warnings');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
