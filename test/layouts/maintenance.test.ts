// error_page at server level to @maintenance: when the app fails, nginx tries the maintenance
// service, which is down too, so one request writes two lines, one per location. The API has its
// own error_page (the server's is not inherited there), /search/ intercepts the backend's own 502
// (no line of its own: the only line is the maintenance service's). static.test serves a static
// /50x.html. Each line must name the location that made its attempt.
import assert from 'node:assert/strict';
import { judge, layoutTest } from './lib';

layoutTest('error_page at server level to @maintenance: each line of a chain links to its own location', 'maintenance', {
    backends: { app: 'closed', api: 'reset', search: 'status502', maint: 'closed', static: 'closed' },
    requests: [
      { port: 'http', host: 'shop.test', path: '/products/7' },
      { port: 'http', host: 'shop.test', path: '/api/cart' },
      { port: 'http', host: 'shop.test', path: '/search/?q=shoes' },
      { port: 'http', host: 'static.test', path: '/' },
    ],
  }, (r) => {
  assert.deepEqual(r.responses.map((x) => x.res.status), [502, 503, 502, 502]);
  const where: Record<string, string> = {
    app: 'sites-enabled/shop.test /', api: 'sites-enabled/shop.test /api/', maint: 'sites-enabled/shop.test @maintenance', static: 'sites-enabled/static.test /',
  };
  const problems = judge(r, (_row, peer) => (peer && where[peer] ? { where: where[peer] } : null));
  assert.deepEqual(problems, []);
  // the request to /products/7: the app's line, then the maintenance service's
  assert.deepEqual(r.rows.filter((x) => x.request?.uri === '/products/7').map((x) => r.where(x)), [where.app, where.maint]);
  // /search/: the backend answered 502 itself (no line); only @maintenance failed
  assert.deepEqual(r.rows.filter((x) => x.request?.uri === '/search/?q=shoes').map((x) => r.where(x)), [where.maint]);
  assert.equal(r.rows.length, 5);
});
