// nginxDoctor/explainLines and nginxDoctor/matchUrl over stdio, against the demo: every line of
// demo/error.log links to the same server block and location as `nginx-doctor explain --format
// json` says, with the effective settings and the upstream servers of that location; matchUrl
// answers what `nginx-doctor match --format json` answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { LspClient } from '../helpers/lsp-client';
import { CLI, REPO } from '../helpers/repo';
import { EXPLAIN_LINES, MATCH_URL, PROBE_BACKEND, type ExplainLinesResult, type MatchUrlResult, type ProbeBackendResult } from '../../server/src/protocol/protocol';
import { createServer, type AddressInfo } from 'node:net';

const DEMO = join(REPO, 'demo');
const ROOT = join(DEMO, 'nginx.conf');
const LOG = join(DEMO, 'error.log');

let client: LspClient;

before(async () => {
  ({ client } = await LspClient.start({ folders: [DEMO], settings: { rootConfig: ['nginx.conf'] } }));
});
after(async () => {
  await client.stop();
});

function cli(args: string[]): Record<string, any>[] {
  const out = execFileSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
}

test('explainLines links every demo/error.log line like `nginx-doctor explain`', async () => {
  const lines = readFileSync(LOG, 'utf8').split('\n').filter((l) => l.trim());
  const expected = cli(['explain', '--config', ROOT, '--format', 'json', LOG]);
  const r = await client.request<ExplainLinesResult>(EXPLAIN_LINES, { lines, failuresOnly: true });
  assert.equal(r.error, undefined);
  assert.equal(r.root, ROOT);
  assert.equal(r.explanations.length, expected.length);
  for (const [i, e] of expected.entries()) {
    const x = r.explanations[i]!;
    assert.equal(x.index + 1, e.logLine, `line ${e.logLine}`);
    assert.equal(x.cause.id, e.cause, `cause of line ${e.logLine}`);
    assert.equal(x.status, e.status);
    assert.equal(x.summary, e.summary);
    assert.deepEqual(x.serverBlock && { file: x.serverBlock.file, line: x.serverBlock.line }, e.serverBlock);
    assert.deepEqual(x.location, e.location, `location of line ${e.logLine}`);
    assert.deepEqual(x.fixes, e.fixes);
  }
  assert.ok(expected.some((e) => e.location), 'the demo log has linked lines');
});

test('explainLines: the location, its effective settings and upstream servers', async () => {
  const lines = readFileSync(LOG, 'utf8').split('\n').filter((l) => l.trim());
  const expected = cli(['explain', '--config', ROOT, '--format', 'json', LOG]).find((e) => e.location && e.cause === 'upstream-tls-to-plain-http')!;
  assert.ok(expected);
  const r = await client.request<ExplainLinesResult>(EXPLAIN_LINES, { lines: [lines[expected.logLine - 1]] });
  assert.equal(r.explanations.length, 1);
  const x = r.explanations[0]!;
  assert.equal(x.failure, true);
  assert.equal(x.status, 502);
  assert.deepEqual(x.location, expected.location);
  // the location's proxy_pass and where each effective value comes from
  assert.ok(x.upstreamServers.pass, 'the *_pass of the location');
  assert.equal(x.upstreamServers.pass!.file, expected.location.file);
  assert.ok(x.upstreamServers.servers.length >= 1);
  const timeout = x.settings.find((s) => s.name.endsWith('_read_timeout'))!;
  assert.ok(timeout);
  assert.ok(timeout.isDefault ? timeout.value === '60s' : timeout.line > 0);
});

test('explainLines offers the quick fixes of the location, with the edits the lightbulb makes', async () => {
  const lines = readFileSync(LOG, 'utf8').split('\n').filter((l) => l.trim());
  const expected = cli(['explain', '--config', ROOT, '--format', 'json', LOG]).find((e) => e.location && e.cause === 'upstream-tls-to-plain-http')!;
  const r = await client.request<ExplainLinesResult>(EXPLAIN_LINES, { lines: [lines[expected.logLine - 1]] });
  const fix = r.explanations[0]!.quickFixes?.find((q) => q.rule === 'https-to-plain-http-upstream');
  assert.ok(fix, `quick fixes: ${JSON.stringify(r.explanations[0]!.quickFixes)}`);
  assert.equal(fix.title, 'Use http://');
  assert.equal(fix.edits.length, 1);
  const e = fix.edits[0]!;
  assert.equal(e.newText, 'http');
  assert.equal(uriToPathForTest(e.uri), expected.location.file);
  // the edit replaces the "https" of this location's proxy_pass
  const text = readFileSync(expected.location.file, 'utf8').split('\n')[e.range.start.line]!;
  assert.equal(text.slice(e.range.start.character, e.range.end.character), 'https');
  assert.match(text, /proxy_pass https:\/\//);
});

function uriToPathForTest(uri: string): string {
  return decodeURIComponent(new URL(uri).pathname);
}

test('explainLines: an explicit rootUri, a non-failure line and garbage', async () => {
  const r = await client.request<ExplainLinesResult>(EXPLAIN_LINES, {
    rootUri: client.uri(ROOT),
    lines: ['2026/11/22 04:22:29 [notice] 1#1: signal process started', 'not a log line at all'],
  });
  assert.equal(r.root, ROOT);
  assert.ok(r.explanations.every((x) => !x.failure));
  const none = await client.request<ExplainLinesResult>(EXPLAIN_LINES, { rootUri: join(DEMO, 'missing.conf'), lines: ['x'] });
  assert.deepEqual(none.explanations, []);
  assert.match(none.error ?? '', /cannot read the root config/);
});

test('matchUrl answers like `nginx-doctor match --format json`', async () => {
  for (const url of ['http://shop.example.com/', 'http://admin.example.com/svc/x?y=1', 'http://admin.example.com/grafana/', 'http://unknown.example/']) {
    const [e] = cli(['match', '--config', ROOT, '--format', 'json', url]);
    const r = await client.request<MatchUrlResult>(MATCH_URL, { url });
    assert.equal(r.error, undefined, url);
    assert.deepEqual(r.server, e!.server, url);
    assert.deepEqual(r.location, e!.location, url);
    assert.deepEqual(r.reason, e!.reason, url);
  }
  const bad = await client.request<MatchUrlResult>(MATCH_URL, { url: 'ftp://x/' });
  assert.match(bad.error ?? '', /not an http/);
});

test('probeBackend: connects only in a trusted workspace, to what the address names', async () => {
  const refused = await client.request<ProbeBackendResult>(PROBE_BACKEND, { address: '127.0.0.1:9' });
  assert.deepEqual(refused, { ok: false, text: 'probing backends needs a trusted workspace' });
  const server = createServer((s) => s.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const { client: trusted } = await LspClient.start({ folders: [DEMO], settings: { rootConfig: ['nginx.conf'] }, trusted: true });
  try {
    const ok = await trusted.request<ProbeBackendResult>(PROBE_BACKEND, { address: `127.0.0.1:${port}` });
    assert.equal(ok.ok, true, ok.text);
    assert.match(ok.text, /^connected in \d+ ms/);
    server.close();
    const closed = await trusted.request<ProbeBackendResult>(PROBE_BACKEND, { address: `http://127.0.0.1:${port}/x` });
    assert.deepEqual([closed.ok, closed.text.split(':')[0]], [false, 'ECONNREFUSED']);
    const socket = await trusted.request<ProbeBackendResult>(PROBE_BACKEND, { address: 'unix:/nonexistent/php.sock' });
    assert.deepEqual([socket.ok, socket.text.split(':')[0]], [false, 'ENOENT']);
    for (const address of ['$backend', 'http://', 'a b:80']) {
      assert.deepEqual(await trusted.request<ProbeBackendResult>(PROBE_BACKEND, { address }), { ok: false, text: 'not an address that can be probed' }, address);
    }
  } finally {
    server.close();
    await trusted.stop();
  }
});

test('explainLines answers about the text as it is: an edit still waiting for its analysis is taken into account', async () => {
  const lines = readFileSync(LOG, 'utf8').split('\n').filter((l) => l.trim());
  const expected = cli(['explain', '--config', ROOT, '--format', 'json', LOG]).find((e) => e.location && e.cause === 'upstream-tls-to-plain-http')!;
  const file = expected.location.file as string;
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes('proxy_pass https://127.0.0.1:3000;'));
  await client.open(file, text, 1);
  await client.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'https-to-plain-http-upstream'));
  try {
    // the edit, then the request at once: the analysis of the edit is still debounced
    await client.change(file, text.replace('proxy_pass https://127.0.0.1:3000;', 'proxy_pass http://127.0.0.1:3000;'), 2);
    const r = await client.request<ExplainLinesResult>(EXPLAIN_LINES, { lines: [lines[expected.logLine - 1]] });
    const x = r.explanations[0]!;
    assert.equal(x.upstreamServers.pass?.text, 'proxy_pass http://127.0.0.1:3000', JSON.stringify(x.upstreamServers.pass));
    assert.equal(x.quickFixes?.find((q) => q.rule === 'https-to-plain-http-upstream'), undefined, 'the fix is no longer offered');
  } finally {
    await client.close(file);
  }
});
