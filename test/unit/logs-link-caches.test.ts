// The caches of linking (core/logs/link.ts, bounded-cache.ts, the Matcher's indexes by logged
// name and by server): a cached answer is the answer a fresh Linker gives, also where the Host
// decides the location through a rewrite that reads $host, and the caches stay bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildConfigSet, defaultCatalog, Explainer, LogReader, Matcher, type Explanation, type LogEntry } from '../../server/src/core/index';
import { BoundedCache } from '../../server/src/core/logs/bounded-cache';
import { memoryHost } from '../helpers/memory-host';

// many blocks: exact names, a leading and a trailing wildcard, a regex, two blocks logging one
// name (on two ports), and a block whose location depends on $host through a rewrite
const servers: string[] = [];
for (let i = 0; i < 40; i++) {
  servers.push(`server { listen 80; server_name s${i}.test www.s${i}.test${i % 5 === 0 ? ` *.s${i}.test` : ''}${i % 7 === 0 ? ` s${i}.*` : ''};
    location /api/ { proxy_pass http://127.0.0.1:${9000 + i}; }
    location ~ ^/re/(\\d+)$ { proxy_pass http://127.0.0.2:${9000 + i}; }
    location / { proxy_pass http://127.0.0.3:${9000 + i}; } }`);
}
const CONF = `events {}
http {
  ${servers.join('\n  ')}
  server { listen 80; server_name ~^(?<sub>[a-z]+)\\.rx\\.test$; location / { proxy_pass http://127.0.0.4:9100; } }
  server { listen 80; server_name twice.test; location / { proxy_pass http://127.0.0.5:9200; } }
  server { listen 8080; server_name twice.test; location / { proxy_pass http://127.0.0.6:9201; } }
  server { listen 80; server_name byhost.test;
    location / { rewrite ^ /h/$host$uri last; }
    location /h/one.byhost.test/ { proxy_pass http://127.0.0.7:9300; }
    location /h/two.byhost.test/ { proxy_pass http://127.0.0.8:9301; } }
}
`;

function explainer(): Explainer {
  const set = buildConfigSet('/etc/nginx/nginx.conf', { host: memoryHost({ '/etc/nginx/nginx.conf': CONF }), catalog: defaultCatalog() });
  return new Explainer(new Matcher(set, { hostname: 'h' }));
}

/** A small deterministic PRNG, so a failure names a reproducible sequence. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomLine(rnd: () => number, conn: number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const i = Math.floor(rnd() * 40);
  const [server, host, uri, peer] = pick([
    [`s${i}.test`, pick([`s${i}.test`, `www.s${i}.test`, `x.s${i}.test`, `s${i}.example`]), pick(['/api/a', `/re/${i}`, '/other', '/re/x']), pick([`127.0.0.1:${9000 + i}`, `127.0.0.3:${9000 + i}`, `127.0.0.2:${9000 + i}`])],
    ['~^(?<sub>[a-z]+)\\.rx\\.test$', pick(['a.rx.test', 'b.rx.test']), '/', '127.0.0.4:9100'],
    ['twice.test', pick(['twice.test', 'twice.test:8080']), '/', pick(['127.0.0.5:9200', '127.0.0.6:9201'])],
    ['byhost.test', pick(['one.byhost.test', 'two.byhost.test']), '/page', pick(['127.0.0.7:9300', '127.0.0.8:9301'])],
  ] as [string, string, string, string][]);
  const logged = server.startsWith('~') ? host : server;
  return `2026/11/22 04:00:01 [error] 7#7: *${conn} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: ${logged}, request: "GET ${uri} HTTP/1.1", upstream: "http://${peer}${uri}", host: "${host}"`;
}

function read(text: string): LogEntry | undefined {
  const r = new LogReader();
  return [...r.push(text, text.length + 1), ...r.end()][0];
}

const view = (x: Explanation): unknown => ({
  server: x.server?.index ?? null, location: x.location ? `${x.location.node.file.source.path}:${x.location.node.d.start}` : null,
  confidence: x.confidence, why: x.why, reasons: x.reasons, candidates: x.candidates.map((c) => [c.server.index, c.location?.node.d.start, c.why]), via: x.via,
});

test('a Linker with warm caches answers every line as a fresh one does', () => {
  const warm = explainer();
  const rnd = prng(19);
  const lines = Array.from({ length: 1500 }, (_, k) => randomLine(rnd, k + 1));
  // twice through the same explainer: the second pass is answered from the caches
  for (const pass of [1, 2]) {
    for (const [k, text] of lines.entries()) {
      const e = read(text);
      const f = read(text);
      assert.ok(e && f);
      const got = view(warm.explain(e));
      const want = view(explainer().explain(f));
      assert.deepEqual(got, want, `pass ${pass}, line ${k + 1}: ${text}`);
    }
  }
});

test('the location a rewrite reading $host selects follows the Host of each line (not the cached one)', () => {
  const x = explainer();
  const one = randomLineFor('one.byhost.test', '127.0.0.7:9300');
  const two = randomLineFor('two.byhost.test', '127.0.0.8:9301');
  for (let k = 0; k < 3; k++) {
    const a = x.explain(read(one)!);
    const b = x.explain(read(two)!);
    assert.equal(a.location?.name, '/h/one.byhost.test/');
    assert.equal(b.location?.name, '/h/two.byhost.test/');
    assert.equal(a.confidence, 'exact');
  }
});

function randomLineFor(host: string, peer: string): string {
  return `2026/11/22 04:00:01 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: byhost.test, request: "GET /page HTTP/1.1", upstream: "http://${peer}/h/${host}/page", host: "${host}"`;
}

test('the Matcher indexes every block by logged name, in config order, and its address entries', () => {
  const m = explainer().matcher;
  assert.deepEqual(m.serversLogging('twice.test').map((s) => s.listens[0]!.port), [80, 8080]);
  assert.deepEqual(m.serversLogging('s3.test').map((s) => s.index), [3]);
  assert.deepEqual(m.serversLogging('nobody.test'), []);
  for (const s of m.table.servers) assert.deepEqual(m.entries(s), m.table.addrs.filter((a) => a.servers.includes(s)));
});

test('BoundedCache holds at most twice its size and keeps what is used', () => {
  const c = new BoundedCache<number, string>(3);
  for (let i = 0; i < 3; i++) c.set(i, `v${i}`);
  c.set(3, 'v3'); // 0..2 become old
  assert.equal(c.get(0), 'v0'); // moved back to young
  for (let i = 4; i < 6; i++) c.set(i, `v${i}`); // young is full again: 3, 0, 4 -> old; 1, 2 dropped
  c.set(6, 'v6');
  assert.equal(c.get(1), undefined);
  assert.equal(c.get(2), undefined);
  assert.equal(c.get(0), 'v0');
  assert.equal(c.get(6), 'v6');
  let held = 0;
  for (let i = 0; i < 7; i++) if (c.get(i) !== undefined) held++;
  assert.ok(held <= 6, `${held} entries held`);
});
