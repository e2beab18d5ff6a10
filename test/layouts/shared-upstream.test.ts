// One upstream group behind four locations (as written, with a URI part, a regex, an exact
// match): every line names the same two peers, and the request's URI (and the URI sent upstream)
// says which location made the attempt (a regex location beats the /v2/ prefix, as in nginx).
import assert from 'node:assert/strict';
import { judge, layoutTest } from './lib';

layoutTest('an upstream group shared by several locations: the URI decides', 'shared-upstream', {
    backends: { api1: 'closed', api2: 'closed' },
    requests: [
      { port: 'http', host: 'api.test', path: '/v2/users' },
      { port: 'http', host: 'api.test', path: '/v1/users' },
      { port: 'http', host: 'api.test', path: '/v2/users.json' },
      { port: 'http', host: 'api.test', path: '/export.json?all=1' },
      { port: 'http', host: 'api.test', path: '/status' },
    ],
  }, (r) => {
  assert.deepEqual(r.responses.map((x) => x.res.status), [502, 502, 502, 502, 502]);
  const want: Record<string, string> = { '/v2/users': '/v2/', '/v1/users': '/v1/', '/v2/users.json': '~ \\.json$', '/export.json?all=1': '~ \\.json$', '/status': '= /status' };
  const problems = judge(r, (row) => (row.request && want[row.request.uri] ? { where: `conf.d/api.conf ${want[row.request.uri]}` } : null));
  assert.deepEqual(problems, []);
  // two peers per request (max_fails=0: nothing is marked down)
  assert.equal(r.rows.length, 10);
  assert.ok(r.rows.some((x) => x.upstream?.endsWith('/legacy/users')));
});
