import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backendJournal, journalEntries } from '../../../server/src/doctor/checks/backend-journal';
import { factsFor, rowsOf } from './facts';
import { hop } from './backend-hop';

const CONFIG = `events {}\nhttp {\n    server { location / { proxy_pass http://10.0.0.5:8000; } }\n}\n`;
const rowFor = (journal: string | null, systemd = 'yes yes yes') => {
  const rows = rowsOf(backendJournal, factsFor({ config: CONFIG, hops: new Map([['10.0.0.5:8000', hop({ mapping: { key: '10.0.0.5:8000', unit: 'app.service' }, systemd, ...(journal === null ? {} : { sections: { 'journal 1': { text: journal } } }) })]]) }));
  assert.equal(rows.length, 1);
  return rows[0]!;
};

test('backend-journal: the last lines, newest last, at most 10', () => {
  const lines = Array.from({ length: 14 }, (_, i) => `2026-12-08T03:0${i % 10}:00+0000 app1 gunicorn[812]: line ${i + 1}`);
  const r = rowFor(lines.join('\n'));
  assert.equal(r.status, 'warn');
  assert.equal(r.found, `last 10 of 14 line(s):\n${lines.slice(4).join('\n')}`);
  assert.equal(r.title, 'backend 10.0.0.5:8000: journalctl -u app.service on deploy@app1');
  assert.match(r.advice, /journalctl -u app\.service -e on deploy@app1/);
});

test('backend-journal: no journal, no entries, no permission, no journalctl: skip with why', () => {
  // what journalctl prints on this project's Debian container (no journald) and for a unit without entries
  assert.equal(rowFor('No journal files were found.\n-- No entries --\n').found, 'no journal on that machine (journalctl: "No journal files were found") (journalctl -u app.service)');
  assert.equal(rowFor('-- No entries --\n').found, 'no journal entries (journalctl -u app.service)');
  const denied = rowFor('Hint: You are currently not seeing messages from other users and the system.\n      Users in groups \'adm\', \'systemd-journal\' can see all messages.\n-- No entries --\n');
  assert.equal(denied.status, 'skip');
  assert.match(denied.advice, /systemd-journal \(or adm\) group .* "sudo": true/);
  const r = rowFor(null, 'yes yes no');
  assert.deepEqual([r.status, r.found], ['skip', 'journalctl is not installed on deploy@app1']);
});

test('journalEntries: informational lines are not entries', () => {
  assert.deepEqual(journalEntries('-- Journal begins at Mon 2026-12-07 10:00:00 UTC, ends at Tue 2026-12-08 03:00:00 UTC. --\nDec 08 app1 systemd[1]: app.service: Failed with result \'exit-code\'.\n'),
    { lines: ["Dec 08 app1 systemd[1]: app.service: Failed with result 'exit-code'."] });
});
