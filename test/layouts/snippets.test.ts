// Snippets included into several server blocks: the API's locations live in one file that three
// blocks include. A line names its server (server:), so it links to that block's copy of the
// location; partners.test is served the same over HTTP and HTTPS (two blocks, one name), so the
// location is known and the block is not: "likely", with why.
import assert from 'node:assert/strict';
import { judge, layoutTest } from './lib';

layoutTest('snippets included into several servers: the snippet\'s location, and the block when the name tells it', 'snippets', {
    backends: { api: 'closed', uploads: 'reset', shop: 'closed' },
    requests: [
      { port: 'http', host: 'shop.test', path: '/api/v1/items' },
      { port: 'http', host: 'shop.test', path: '/api/uploads/a.png' },
      { port: 'http', host: 'shop.test', path: '/healthz' },
      { port: 'http', host: 'shop.test', path: '/' },
      { port: 'http', host: 'partners.test', path: '/api/v1/items' },
      { port: 'https', tls: true, host: 'partners.test', path: '/api/uploads/b.png' },
    ],
  }, (r) => {
  assert.deepEqual(r.responses.map((x) => x.res.status), [502, 502, 200, 502, 502, 502]);
  const problems = judge(r, (row, peer) => {
    const partners = row.server === 'partners.test';
    const conf = partners ? 'likely' : 'exact';
    if (peer === 'api') return { where: 'snippets/api-locations.conf /api/', confidence: conf };
    if (peer === 'uploads') return { where: 'snippets/api-locations.conf /api/uploads/', confidence: conf };
    if (peer === 'shop') return { where: 'sites-enabled/shop.test /' };
    return null;
  });
  assert.deepEqual(problems, []);
  const shop = r.rows.find((x) => x.server === 'shop.test' && x.request?.uri === '/api/v1/items')!;
  assert.match(shop.serverBlock!.file, /sites-enabled\/shop.test$/);
  const partners = r.rows.filter((x) => x.server === 'partners.test');
  assert.equal(partners.length, 2);
  for (const p of partners) {
    assert.equal(p.serverBlock, null);
    assert.match(p.why!, /^2 server blocks include this location \(.*snippets\/api-locations.conf:\d+\); the line does not say which of them took the request$/);
  }
});
