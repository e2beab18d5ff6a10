import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildConfigSet, CachedLineExplainer, defaultCatalog, errorLineKey, Explainer, isUpstreamFailure, LogReader, Matcher,
  type Explanation, type LineExplanation,
} from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';

const CONF = `events {}
http {
  upstream app { server 127.0.0.1:8080; }
  server {
    listen 80;
    server_name a.test;
    location /api/ { proxy_pass http://app; }
    location / { proxy_pass http://127.0.0.1:9000; }
  }
}
`;

function explainer(): Explainer {
  const set = buildConfigSet('/etc/nginx/nginx.conf', { host: memoryHost({ '/etc/nginx/nginx.conf': CONF }), catalog: defaultCatalog() });
  return new Explainer(new Matcher(set, { hostname: 'h' }));
}

const line = (time: string, conn: number, msg: string, client: string, uri: string, upstream = 'http://127.0.0.1:8080'): string =>
  `2026/11/22 ${time} [error] 7#7: *${conn} ${msg}, client: ${client}, server: a.test, request: "GET ${uri} HTTP/1.1", upstream: "${upstream}${uri}", host: "a.test"`;

const LOG = [
  line('04:00:01', 1, 'connect() failed (111: Connection refused) while connecting to upstream', '10.0.0.1', '/api/x'),
  line('04:00:02', 2, 'connect() failed (111: Connection refused) while connecting to upstream', '10.0.0.2', '/api/x'),
  line('04:00:03', 3, 'upstream timed out (110: Connection timed out) while reading response header from upstream', '10.0.0.3', '/api/x'),
  line('04:00:04', 4, 'connect() failed (111: Connection refused) while connecting to upstream', '10.0.0.4', '/other', 'http://127.0.0.1:9000'),
  '2026/11/22 04:00:05 [notice] 7#7: signal process started',
  line('04:00:06', 6, 'connect() failed (111: Connection refused) while connecting to upstream', '10.0.0.5', '/api/x'),
  '2026/11/22 04:00:07 [error] 7#7: *8 FastCGI sent in stderr: "PHP message: oops',
  'more text" while reading response header from upstream, client: 10.0.0.9, server: a.test, request: "GET /api/x HTTP/1.1", upstream: "fastcgi://127.0.0.1:9000", host: "a.test"',
  line('04:00:08', 9, 'connect() failed (111: Connection refused) while connecting to upstream', '10.0.0.1', '/api/x'),
  'garbage line',
  // a known head that is not a failure, then the same head with a context that does not parse:
  // read normally, the whole rest is the message, and its errno makes it a failure
  '2026/11/22 04:00:09 [error] 7#7: *10 open() "/srv/x/favicon.ico" failed (2: No such file or directory), client: 10.0.0.1, server: a.test, request: "GET /favicon.ico HTTP/1.1", host: "a.test"',
  '2026/11/22 04:00:10 [error] 7#7: *11 open() "/srv/x/favicon.ico" failed (2: No such file or directory), client: 10.0.0.2, server: a b (24: Too many open files)',
];

/** Four places in turn, twelve times: tails that come back after others (the tail store turns over). */
const CYCLE = Array.from({ length: 48 }, (_, k) => {
  const uri = ['/api/x', '/other', '/api/y', '/other/z'][k % 4]!;
  return line(`04:01:${String(k).padStart(2, '0')}`, 100 + k, 'connect() failed (111: Connection refused) while connecting to upstream', `10.0.1.${k}`, uri, uri.startsWith('/api') ? 'http://127.0.0.1:8080' : 'http://127.0.0.1:9000');
});

/** What the CLI reports of an explanation, with the line's own values. */
function view(x: Explanation, line: number, time: string | null, client: string | null): unknown {
  return { line, time, client, cause: x.cause.id, status: x.status, message: x.message, location: x.location?.name ?? null, server: x.server?.loggedName ?? null, confidence: x.confidence, summary: x.summary, fixes: x.fixes };
}

test('errorLineKey: time, client and connection are not part of the keys; the message and the context are', () => {
  const a = errorLineKey(LOG[0]!)!;
  const b = errorLineKey(LOG[1]!)!;
  assert.equal(a.head, b.head);
  assert.equal(a.tail, b.tail);
  assert.deepEqual([a.time, a.client, b.client], ['2026/11/22 04:00:01', '10.0.0.1', '10.0.0.2']);
  assert.notEqual(errorLineKey(LOG[2]!)!.head, a.head);
  assert.notEqual(errorLineKey(LOG[3]!)!.tail, a.tail);
  // no context, a prefix, a CR, a client twice: not keyed (read the normal way)
  assert.equal(errorLineKey(LOG[4]!), null);
  assert.equal(errorLineKey(`syslog: ${LOG[0]}`), null);
  assert.equal(errorLineKey(`${LOG[0]}\r`), null);
  assert.equal(errorLineKey(LOG[0]!.replace('connect()', 'x, client: 1.2.3.4 connect()')), null);
});

test('CachedLineExplainer reports exactly what LogReader + Explainer report, line by line, and counts the same', () => {
  // the default tail store, one that turns over at every new tail, and one of two or three tails
  for (const [all, tailChars] of [[false, undefined], [true, undefined], [false, 1], [false, 300]] as const) {
    const plain: unknown[] = [];
    const r1 = new LogReader();
    const e1 = explainer();
    const take = (x: Explanation): void => {
      plain.push(view(x, x.entry.line, x.time, x.client));
    };
    const log = [...LOG, ...CYCLE];
    for (const l of log) for (const en of r1.push(l)) if (all || isUpstreamFailure(en)) take(e1.explain(en));
    for (const en of r1.end()) if (all || isUpstreamFailure(en)) take(e1.explain(en));

    const cached: unknown[] = [];
    const r2 = new LogReader();
    const c = new CachedLineExplainer(r2, explainer(), all, tailChars);
    const report = (e: LineExplanation): void => {
      const x = e.explanation();
      assert.equal(e.cause, x.cause);
      assert.equal(e.location, x.location);
      cached.push(view(x, e.line, e.time, e.client));
    };
    for (const l of log) c.push(l, Buffer.byteLength(l), report);
    c.end(report);
    assert.deepEqual(cached, plain, `all=${all}, tailChars=${tailChars}`);
    if (!all) assert.ok(plain.some((v) => (v as { cause: string }).cause === 'too-many-open-files'), 'the malformed line is a failure');
    assert.deepEqual(r2.stats, r1.stats);
  }
});

test('CachedLineExplainer: repeated failures share one explanation object (and its memo slot)', () => {
  const seen: LineExplanation[] = [];
  const c = new CachedLineExplainer(new LogReader(), explainer(), false);
  for (const l of [LOG[0]!, LOG[1]!, LOG[5]!, LOG[8]!]) c.push(l, l.length, (e) => seen.push(e));
  assert.equal(seen.length, 4);
  assert.equal(seen[1]!.same, seen[2]!.same);
  assert.equal(seen[2]!.same, seen[3]!.same);
  assert.deepEqual(seen.map((e) => e.line), [1, 2, 3, 4]);
  assert.deepEqual(seen.map((e) => e.client), ['10.0.0.1', '10.0.0.2', '10.0.0.5', '10.0.0.1']);
});
