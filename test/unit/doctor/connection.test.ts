import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connection } from '../../../server/src/doctor/checks/connection';
import { rowsOf } from './facts';

test('connection: a failed first session is the one row, worded for SSH or this machine', () => {
  const ssh = rowsOf(connection, { ssh: 'deploy@web1', hostLabel: 'deploy@web1', failures: [{ phase: 1, message: 'ssh: connect to host web1 port 22: Connection refused', fix: 'Check that sshd runs on web1.' }] });
  assert.deepEqual(ssh.map((r) => [r.id, r.status, r.title, r.expected, r.advice]), [['connection', 'fail', 'connect to deploy@web1 over SSH', 'an SSH session that runs sh', 'Check that sshd runs on web1.']]);
  const local = rowsOf(connection, { ssh: null, hostLabel: 'this machine', failures: [{ phase: 1, message: 'sh: not found', fix: '' }] });
  assert.deepEqual(local.map((r) => [r.title, r.expected]), [['run the checks on this machine', 'a POSIX shell (sh)']]);
});

test('connection: a failed probe session is a row; no failure, no row', () => {
  const probe = rowsOf(connection, { ssh: 'web1', hostLabel: 'web1', failures: [{ phase: 2, message: 'timed out', fix: '' }] });
  assert.deepEqual(probe.map((r) => [r.title, r.found, r.expected]), [['probe backends from web1', 'timed out', 'a second session for the probes']]);
  assert.deepEqual(rowsOf(connection, { ssh: null, hostLabel: 'this machine', failures: [] }), []);
});
