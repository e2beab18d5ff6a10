// `nginx-doctor match` as scripts use it: one JSON object per URL, exact fields, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { CLI, FIXTURES } from '../helpers/repo';

const dir = join(FIXTURES, 'logs', 'cli');
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('json: one object per URL with url, server, location, reason (1-based lines of the directives)', () => {
  const r = run('match', '--config', 'nginx.conf', '--format', 'json', 'http://shop.example.com/api/orders', 'http://www.shop.test/a/../index.php?x=1', 'http://unknown.test/', 'http://shop.example.com:8080/');
  assert.equal(r.code, 0, r.err);
  const rows = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(rows.length, 4);
  assert.deepEqual(Object.keys(rows[0]!), ['url', 'server', 'location', 'reason']);
  assert.deepEqual(rows[0], {
    url: 'http://shop.example.com/api/orders',
    server: { file: 'nginx.conf', line: 12, name: 'shop.example.com' },
    location: { file: 'nginx.conf', line: 22, modifier: '', pattern: '/api/' },
    reason: rows[0]!.reason,
  });
  assert.ok(Array.isArray(rows[0]!.reason) && (rows[0]!.reason as string[]).some((x) => /longest prefix: location \/api\//.test(x)));
  assert.deepEqual(rows[1]!.location, { file: 'nginx.conf', line: 26, modifier: '~', pattern: '\\.php$' });
  assert.deepEqual(rows[2]!.server, { file: 'nginx.conf', line: 6, name: '_' });
  assert.equal(rows[2]!.location, null);
  assert.equal(rows[3]!.server, null); // nothing listens on 8080
  assert.match((rows[3]!.reason as string[]).join(' '), /no server block listens on 127.0.0.1:8080/);
});

test('text: a readable line per URL; --addr picks the local address', () => {
  const r = run('match', '--config', 'nginx.conf', 'http://shop.example.com/health', 'http://shop.example.com/p/1');
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.split('\n')[0], 'http://shop.example.com/health  ->  server shop.example.com (nginx.conf:12), location = /health (nginx.conf:30)  [answers 200]');
  assert.match(r.out.split('\n')[1]!, /location \/ \(nginx.conf:16\) {2}\[uncertain: see --format json reasons; or @app\]$/);
  const a = run('match', '--config', 'nginx.conf', '--addr', '10.1.2.3', 'http://shop.test/');
  assert.match(a.out, /server shop.example.com/);
});

test('URLs keep their raw path: dot segments and percent-escapes are normalised by nginx\'s rules, not the URL parser', () => {
  const r = run('match', '--config', 'nginx.conf', '--format', 'json', 'http://shop.test/x/%2e%2e/api/v1', 'http://shop.test/../api/');
  const [a, b] = r.out.trim().split('\n').map((l) => JSON.parse(l) as { location: { pattern: string } | null; reason: string[] });
  assert.equal(a!.location?.pattern, '/api/');
  assert.equal(b!.location, null);
  assert.match(b!.reason.join(' '), /400/);
});

test('usage and I/O errors exit 2 with a clear message', () => {
  const cases: [string[], RegExp][] = [
    [['match', 'http://a/'], /needs --config ROOT/],
    [['match', '--config', 'nginx.conf'], /at least one URL/],
    [['match', '--config', 'nginx.conf', 'ftp://a/'], /not an http\(s\) URL: "ftp:\/\/a\/"/],
    [['match', '--config', 'nginx.conf', '--format', 'xml', 'http://a/'], /--format must be text or json/],
    [['match', '--config', 'missing.conf', 'http://a/'], /cannot read "missing.conf"/],
    [['match', '--config', 'nginx.conf', '--addr', 'not-an-ip', 'http://a/'], /--addr must be an IP address/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, message);
  }
});
