// Catastrophic regexes from a config meeting client-controlled URIs (docs/security.md, "ReDoS"):
// every command answers, exactly where a linear-time engine can, and "uncertain: regex too
// costly to evaluate" where only a budgeted backtracking matcher can. Each run is a child process
// with a generous deadline: before the budget, these took minutes (29 a's: 25 s per line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { LspClient } from '../helpers/lsp-client';
import { CLI } from '../helpers/repo';
import { tempTree } from '../helpers/temp-tree';
import { EXPLAIN_LINES, type ExplainLinesResult } from '../../server/src/protocol/protocol';
import { runPcre, translatePcre, withRegexBudget } from '../../server/src/core/index';

const CONF = `events {}
http {
    server {
        listen 80;
        location ~ ^/(a+)+$ { proxy_pass http://127.0.0.1:9; }
        location ~ ^/(a|a)*\\1b$ { proxy_pass http://127.0.0.1:9; }
        location ~ ^/((x|xx)+)+y$ { proxy_pass http://127.0.0.1:9; }
        location / { proxy_pass http://127.0.0.1:9; }
    }
}
`;
const LOG = (uri: string): string =>
  `2026/11/22 10:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 192.0.2.1, server: _, request: "GET ${uri} HTTP/1.1", upstream: "http://127.0.0.1:9${uri}", host: "example.com"`;

const cli = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 20_000 });

test('match: a nested-quantifier location is answered exactly (linear engine), a back-reference one as "too costly", within a deadline', () => {
  const tree = tempTree({ 'nginx.conf': CONF });
  try {
    const r = cli(tree.dir, 'match', '--config', 'nginx.conf', '--format', 'json', `http://example.com/${'a'.repeat(40)}!`);
    assert.equal(r.signal, null, 'match did not answer within 20 s');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { location: { pattern: string }; reason: string[] };
    assert.equal(out.location.pattern, '/');
    assert.ok(out.reason.some((x) => /\(a\|a\)\*\\1b\$ .* could not be evaluated for this URI \(uncertain: regex too costly to evaluate\)/.test(x)), out.reason.join('\n'));
    assert.ok(!out.reason.some((x) => /\(a\+\)\+\$ .*could not be evaluated/.test(x)), 'the nested quantifier is answered exactly');
    const hit = cli(tree.dir, 'match', '--config', 'nginx.conf', '--format', 'json', `http://example.com/${'a'.repeat(5000)}`);
    assert.equal(JSON.parse(hit.stdout).location.pattern, '^/(a+)+$', 'a 5,000-byte URI that matches is found');
  } finally {
    tree.remove();
  }
});

test('explain: a log line with 32 a\'s against ^/(a+)+$ answers within a deadline (was 25 s at 29 a\'s, doubling per a)', () => {
  const tree = tempTree({ 'nginx.conf': CONF, 'error.log': `${LOG(`/${'a'.repeat(32)}!`)}\n${LOG(`/${'x'.repeat(40)}z`)}\n` });
  try {
    const r = cli(tree.dir, 'explain', '--config', 'nginx.conf', '--format', 'json', 'error.log');
    assert.equal(r.signal, null, 'explain did not answer within 20 s');
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { location: { pattern: string } | null; confidence: string; candidates: { location: { pattern: string } | null }[] });
    assert.equal(lines.length, 2);
    // the nested quantifier is answered (no match); the back-reference one cannot be decided in
    // budget, so "/" and it are the candidates: ambiguous, never a confident guess
    assert.equal(lines[0]!.location, null);
    assert.equal(lines[0]!.confidence, 'ambiguous');
    assert.deepEqual(lines[0]!.candidates.map((c) => c.location?.pattern).sort(), ['/', '^/(a|a)*\\1b$']);
    assert.equal(lines[1]!.location?.pattern, '/', 'a line every regex could be evaluated for gets its location');
  } finally {
    tree.remove();
  }
});

test('the editor: a 500-line explain request of hostile lines is answered (before the deadline) and other requests are served', async () => {
  const tree = tempTree({ 'nginx.conf': CONF });
  const { client } = await LspClient.start({ folders: [tree.dir] });
  try {
    const lines = Array.from({ length: 500 }, (_, i) => LOG(i % 2 ? `/${'a'.repeat(25 + (i % 40))}!` : `/${'a'.repeat(20 + (i % 30))}b`));
    const pending = client.request<ExplainLinesResult>(EXPLAIN_LINES, { rootUri: client.uri(tree.path('nginx.conf')), lines, failuresOnly: true });
    // a request sent meanwhile is answered too (the explain request yields between chunks)
    const hover = client.requestAt('textDocument/hover', tree.path('nginx.conf'), 4, 10);
    const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('explainLines did not answer within 30 s')), 30_000));
    const r = await Promise.race([pending, deadline]);
    await Promise.race([hover, deadline]);
    assert.equal(r.explanations.length, 500);
    r.explanations.forEach((x, i) => {
      if (i % 2) {
        // "/aaa...!": no location regex matches; the back-reference one cannot be decided in budget
        assert.ok(x.reasons.some((s) => /\(a\|a\)\*\\1b\$ .*uncertain: regex too costly to evaluate/.test(s)), x.reasons.join('\n'));
        assert.equal(x.location, null, 'an answer that skipped a regex is not a single location');
        assert.equal(x.confidence, 'ambiguous');
        assert.deepEqual(x.candidates.map((c) => c.location?.pattern).sort(), ['/', '^/(a|a)*\\1b$']);
      } else {
        // "/aaa...b": the back-reference location matches, and a match is found quickly
        assert.equal(x.location?.pattern, '^/(a|a)*\\1b$');
      }
    });
  } finally {
    await client.stop();
    tree.remove();
  }
});

test('the step budget is shared by the regexes of one line and charged to the enclosing budget', () => {
  const t = translatePcre('^/(a|a)*\\1b$');
  assert.ok(t.ok);
  withRegexBudget(1_000, () => {
    const first = withRegexBudget(1_000_000, () => runPcre(t, `/${'a'.repeat(40)}!`)); // capped by the enclosing 1,000
    assert.deepEqual(first, { known: false, m: null, reason: 'regex too costly to evaluate' });
    const second = runPcre(t, '/aab');
    assert.equal(second.known, false, 'the enclosing budget is spent');
  });
  const fresh = withRegexBudget(1_000, () => runPcre(t, '/aab'));
  assert.ok(fresh.known && fresh.m, 'a small subject fits a fresh budget and is answered exactly');
});
