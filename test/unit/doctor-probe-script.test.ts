// The doctor's probe program run by a real `sh -s` on a host without bash, where it falls back to
// nc: an address starting with "-" never reaches nc (netcat-traditional's -e runs a program), and
// nc gets "--" before the address. A fake nc records its arguments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { probeInput } from '../../server/src/doctor/scripts';
import { tempTree } from '../helpers/temp-tree';

test('the nc fallback of the TCP probe: "--" before the address; addresses starting with "-" are refused', () => {
  const tree = tempTree({});
  try {
    const bin = tree.path('bin');
    const calls = tree.path('nc-calls');
    mkdirSync(bin);
    // only what the program needs besides sh's builtins: no bash on this PATH, so it uses nc
    for (const tool of ['tr', 'cut']) symlinkSync(`/usr/bin/${tool}`, `${bin}/${tool}`);
    writeFileSync(`${bin}/nc`, `#!/bin/sh\nprintf '%s\\n' "$*" >> ${JSON.stringify(calls)}\nexit 1\n`);
    chmodSync(`${bin}/nc`, 0o755);
    const nonce = 'a'.repeat(32);
    const input = probeInput(nonce, [
      { kind: 'T', host: '-e/usr/bin/touch', port: 1 },
      { kind: 'T', host: '127.0.0.1', port: -9 },
      { kind: 'T', host: '127.0.0.1', port: 9 },
    ]);
    const r = spawnSync('/bin/sh', ['-s'], { input, encoding: 'utf8', env: { PATH: bin }, timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    const records = r.stdout.split('\n').filter((l) => l.startsWith(`${nonce} T `));
    assert.equal(records.length, 3, r.stdout);
    assert.match(records.find((l) => l.startsWith(`${nonce} T 1 `))!, /^a+ T 1 2 not probed: the address starts with "-"/);
    assert.match(records.find((l) => l.startsWith(`${nonce} T 2 `))!, /^a+ T 2 2 not probed/);
    assert.ok(existsSync(calls), 'nc was used');
    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), ['-z -w 3 -- 127.0.0.1 9']);
  } finally {
    tree.remove();
  }
});
