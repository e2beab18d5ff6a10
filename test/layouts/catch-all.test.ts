// A catch-all `server_name _` default server next to named sites, every site a symlink in
// sites-enabled/ to sites-available/ (with an old copy of one site left there, not enabled). Lines
// of unknown hosts and of requests without Host log `server: _`; the named sites log their names.
import assert from 'node:assert/strict';
import { judge, layoutTest } from './lib';

layoutTest('catch-all default server and named sites (sites-enabled symlinks): each line links to its site\'s location', 'catch-all', {
    backends: { landing: 'closed', app1a: 'closed', app1b: 'closed', app2: 'reset', app2old: 'closed' },
    requests: [
      { port: 'http', host: 'scanner.example', path: '/wp-login.php' },
      { port: 'http', host: '127.0.0.1', path: '/' },
      { port: 'http', host: null, path: '/' },
      { port: 'http', host: 'app1.test', path: '/login' },
      { port: 'http', host: 'app1.test', path: '/login' },
      { port: 'http', host: 'app2.test', path: '/cart' },
      { port: 'http', host: 'www.app2.test', path: '/static/none.css' },
    ],
  }, (r) => {
  assert.deepEqual(r.responses.map((x) => x.res.status), [502, 502, 502, 502, 502, 502, 404]);
  const where: Record<string, string> = { landing: 'sites-enabled/default /', app1a: 'sites-enabled/app1.test /', app1b: 'sites-enabled/app1.test /', app1: 'sites-enabled/app1.test /', app2: 'sites-enabled/app2.test /' };
  const problems = judge(r, (_row, peer) => (peer && where[peer] ? { where: where[peer] } : null));
  assert.deepEqual(problems, []);
  // both servers of app1 refused, then nginx gave up on the group ("no live upstreams", upstream: "http://app1/login")
  assert.ok(r.rows.some((x) => x.cause === 'no-live-upstreams' && r.where(x) === 'sites-enabled/app1.test /'), r.rows.map((x) => x.cause).join(' '));
  assert.equal(r.rows.filter((x) => x.server === '_').length, 3);
  assert.ok(r.rows.some((x) => x.cause === 'upstream-reset'));
});
