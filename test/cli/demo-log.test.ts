// The demo is true: demo/error.log was written by a real nginx (scripts/make-demo-log.mjs) with
// the backends' addresses written back as the demo config names them, so `nginx-doctor explain`
// links every upstream error line of it to exactly one location, with confidence exact, as a new
// user reads it; one request goes through the demo's error_page chain (/images/ -> @image_placeholder).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { CLI, REPO } from '../helpers/repo';

const DEMO = join(REPO, 'demo');

interface Row {
  logLine: number;
  cause: string;
  request: { uri: string } | null;
  upstream: string | null;
  location: { file: string; line: number; pattern: string } | null;
  confidence: string;
  why: string | null;
  via: string[];
  candidates: unknown[];
}

test('explain demo/error.log: every upstream error line links to one location, exactly; one goes through an error_page chain', () => {
  const r = spawnSync(process.execPath, [CLI, 'explain', '--config', join(DEMO, 'nginx.conf'), '--format', 'json', join(DEMO, 'error.log')], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Row);
  const log = readFileSync(join(DEMO, 'error.log'), 'utf8').trim().split('\n');
  assert.equal(rows.length, log.length, 'every line of the demo log is an upstream failure');
  for (const x of rows) {
    assert.ok(x.location, `line ${x.logLine}: linked to a location`);
    assert.equal(x.confidence, 'exact', `line ${x.logLine} (${x.cause}): ${x.why}`);
    assert.equal(x.why, null);
    assert.deepEqual(x.candidates, []);
  }
  const where = rows.map((x) => `${relative(DEMO, x.location!.file)} ${x.location!.pattern}`);
  // the first request: both storefront servers refused, each also marked unavailable
  assert.deepEqual(where.slice(0, 4), Array(4).fill('sites-enabled/shop.example.com /'));
  // the chain: the resizer's line in /images/, then the storefront's in @image_placeholder
  const chain = rows.filter((x) => x.request?.uri === '/images/logo.png');
  assert.deepEqual(chain.map((x) => [x.cause, x.location!.pattern]), [['upstream-refused', '/images/'], ['no-live-upstreams', '@image_placeholder']]);
  assert.deepEqual(chain[0]!.via, []);
  assert.match(chain[1]!.via.join(' '), /^error_page 502 504 = @image_placeholder \(.*sites-enabled\/shop\.example\.com:\d+\) in location \/images\/ /);
  // every peer is one the demo config names (none of the generator's loopback stand-ins)
  for (const x of rows) if (x.upstream) assert.match(x.upstream, /^(https?:\/\/(10\.0\.1\.\d+:\d+|127\.0\.0\.1:(9000|3000|8081)|storefront|unix:\/run\/grafana\/grafana\.sock:)\/)/, `line ${x.logLine}`);
  // the text report says what "exact" means, once
  const text = spawnSync(process.execPath, [CLI, 'explain', '--config', join(DEMO, 'nginx.conf'), join(DEMO, 'error.log')], { encoding: 'utf8', timeout: 30_000 }).stdout;
  assert.doesNotMatch(text, /no single location|\[likely\]|\[ambiguous\]/);
  assert.match(text, /\n\[exact\] no other place in the config can have written this line \(server name, URI and upstream agree\)\.\n$/);
});
