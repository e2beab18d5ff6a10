// The doctor's checks as one list (server/src/doctor/checks/index.ts): every check has a row in
// docs/doctor.md and a test of its own in test/unit/doctor/<id>.test.ts, as every rule has its
// fixtures and page; and the runner keeps the report's order and runs a check only when every
// fact it needs was gathered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHECKS } from '../../server/src/doctor/checks/index';
import { backendReachable } from '../../server/src/doctor/checks/backend-reachable';
import { unixSocket } from '../../server/src/doctor/checks/unix-socket';
import { runChecks } from '../../server/src/doctor/run';
import { REPO } from '../helpers/repo';
import { factsFor } from './doctor/facts';

test('every check has a docs row and a test, and every docs row is a check', () => {
  const docs = readFileSync(join(REPO, 'docs', 'doctor.md'), 'utf8');
  const table = docs.slice(docs.indexOf('## The checks'), docs.indexOf('\n## ', docs.indexOf('## The checks') + 1));
  const documented = [...table.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!);
  const ids = CHECKS.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'check ids are unique');
  assert.deepEqual(documented, ids, 'docs/doctor.md lists the checks in the order of the report');
  const missing = ids.filter((id) => !existsSync(join(REPO, 'test', 'unit', 'doctor', `${id}.test.ts`)));
  assert.deepEqual(missing, [], 'a test file per check in test/unit/doctor/');
  for (const c of CHECKS) assert.ok(c.title && c.needs.length, `${c.id}: a title and the facts it needs`);
});

test('per-backend checks keep the config\'s order of TCP and unix backends', () => {
  const f = factsFor({ config: 'events {}\nhttp {\n    upstream a { server 127.0.0.1:3000; server unix:/run/a.sock; server 127.0.0.1:3001; }\n    server { location / { proxy_pass http://a; } }\n}\n' });
  const rows = runChecks(f, new Set(['host', 'config', 'backend', 'backends', 'probes']), [backendReachable, unixSocket]);
  assert.deepEqual(rows.map((r) => r.id), ['backend-reachable', 'unix-socket', 'backend-reachable']);
});

test('a check runs only when every fact it needs was gathered', () => {
  // the first session failed: only "connection" can say anything
  const rows = runChecks({ ssh: 'web1', hostLabel: 'web1', failures: [{ phase: 1, message: 'Permission denied (publickey).', fix: '' }] }, new Set(['session']));
  assert.deepEqual(rows.map((r) => `${r.id} ${r.status}`), ['connection fail']);
});
