import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unixSocket } from '../../../server/src/doctor/checks/unix-socket';
import type { StatResult } from '../../../server/src/doctor/context';
import { factsFor, rowsOf } from './facts';

const CONFIG = 'events {}\nhttp {\n    server {\n        location /php/ { fastcgi_pass unix:/run/php/fpm.sock; }\n        location / { proxy_pass http://127.0.0.1:3000; }\n    }\n}\n';
const www = { name: 'www-data', uid: 33, gids: [33] };
const dirs: [string, StatResult][] = [['/run', { rc: 0, out: 'drwxr-xr-x 30 0 0 900 Nov 22 10:00 /run' }], ['/run/php', { rc: 0, out: 'drwxr-xr-x 2 33 33 60 Nov 22 10:00 /run/php' }]];

function row(sock: StatResult | null, listening = true, worker = www) {
  const stat = new Map<string, StatResult>(dirs);
  if (sock) stat.set('/run/php/fpm.sock', sock);
  const rows = rowsOf(unixSocket, factsFor({ config: CONFIG, host: { unixListening: new Set(listening ? ['/run/php/fpm.sock'] : []) }, probes: { stat, worker } }));
  assert.equal(rows.length, 1, 'one row for the unix backend, none for the TCP one');
  return rows[0]!;
}

test('unix-socket: a listening socket the worker user can write to passes', () => {
  const ok = row({ rc: 0, out: 'srw-rw---- 1 33 33 0 Nov 22 10:00 /run/php/fpm.sock' });
  assert.equal(ok.status, 'pass');
  assert.equal(ok.found, 'socket rw-rw---- 33:33, listening, writable by www-data');
  assert.deepEqual(ok.location, { file: '/etc/nginx/nginx.conf', line: 4 });
});

test('unix-socket: missing, not a socket, stale, not writable, not looked at', () => {
  assert.match(row({ rc: 2, out: "ls: cannot access '/run/php/fpm.sock': No such file or directory" }).found, /does not exist/);
  assert.match(row({ rc: 0, out: '-rw-r--r-- 1 33 33 0 Nov 22 10:00 /run/php/fpm.sock' }).found, /is not a socket/);
  assert.match(row({ rc: 0, out: 'srw-rw---- 1 33 33 0 Nov 22 10:00 /run/php/fpm.sock' }, false).found, /nothing listens on it/);
  const locked = row({ rc: 0, out: 'srw------- 1 0 0 0 Nov 22 10:00 /run/php/fpm.sock' });
  assert.equal(locked.status, 'fail');
  assert.match(locked.found, /user www-data \(uid 33\) cannot write to it/);
  assert.match(locked.advice, /listen.owner = www-data/);
  assert.equal(row(null).status, 'skip');
});
