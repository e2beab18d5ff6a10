// certbot's pair: the 443 server proxies, the port-80 server certbot appended only redirects
// (its `if ($host = ...) { return 301 ...; }` and `return 404`). Both log `server: shop.test`; only
// the 443 one can have made an upstream attempt, so every line is linked there, exactly.
import assert from 'node:assert/strict';
import { judge, layoutTest } from './lib';

layoutTest('certbot pair: every 502/504 links to the 443 server\'s location, exactly', 'certbot', {
    backends: { storefront: 'closed', api: 'hang' },
    requests: [
      { port: 'https', tls: true, host: 'shop.test', path: '/' },
      { port: 'https', tls: true, host: 'www.shop.test', path: '/cart?id=3' },
      { port: 'https', tls: true, host: 'shop.test', path: '/api/orders' },
      { port: 'http', host: 'shop.test', path: '/api/orders' },
      { port: 'http', host: 'shop.test', path: '/' },
    ],
  }, (r) => {
  assert.deepEqual(r.responses.map((x) => x.res.status), [502, 502, 504, 301, 301]);
  assert.deepEqual(r.rows.map((x) => x.cause), ['upstream-refused', 'upstream-refused', 'upstream-read-timeout']);
  const problems = judge(r, (_row, peer) => ({ storefront: { where: 'sites-enabled/shop.test /' }, api: { where: 'sites-enabled/shop.test /api/' } })[peer ?? ''] ?? null);
  assert.deepEqual(problems, []);
  assert.ok(r.rows.every((x) => x.serverBlock?.line === 4), 'the 443 server block');
});
