// The language server survives any handler error: the request is answered with an error response
// (not an empty result), the error reaches the server's log with its stack, and the next requests
// are served. Cancelled requests get RequestCancelled, not an error. Failures are injected through
// the test-only NGINX_DOCTOR_TEST_FAULT hook (server/src/lsp/handlers.ts), inert when unset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, LSPErrorCodes, ResponseError, type DocumentSymbol, type LogMessageParams } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';

const CONF = 'events {}\nhttp {\n    server {\n        listen 80;\n        location / { return 204; }\n    }\n}\n';

async function withServer(fault: string | undefined, run: (c: LspClient, path: string, logs: LogMessageParams[]) => Promise<void>): Promise<void> {
  const tree = tempTree({ 'nginx.conf': CONF });
  const before = process.env.NGINX_DOCTOR_TEST_FAULT;
  if (fault === undefined) delete process.env.NGINX_DOCTOR_TEST_FAULT;
  else process.env.NGINX_DOCTOR_TEST_FAULT = fault;
  let started: { client: LspClient } | undefined;
  try {
    started = await LspClient.start({ folders: [tree.dir] });
  } finally {
    if (before === undefined) delete process.env.NGINX_DOCTOR_TEST_FAULT;
    else process.env.NGINX_DOCTOR_TEST_FAULT = before;
  }
  const { client } = started;
  const logs: LogMessageParams[] = [];
  client.conn.onNotification('window/logMessage', (p: LogMessageParams) => {
    logs.push(p);
  });
  const path = tree.path('nginx.conf');
  try {
    await client.open(path, CONF);
    await client.waitForDiagnostics(path, () => true);
    await run(client, path, logs);
  } finally {
    await client.stop();
    tree.remove();
  }
}

async function waitForLog(logs: LogMessageParams[], re: RegExp): Promise<LogMessageParams> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const hit = logs.find((l) => re.test(l.message));
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no log message matching ${re}; got:\n${logs.map((l) => l.message).join('\n')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function symbols(c: LspClient, path: string): Promise<DocumentSymbol[]> {
  return c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: c.uri(path) } });
}

test('a request whose handler throws is answered with an error, logged with its stack, and the server keeps serving', async () => {
  await withServer('hover,didChange', async (client, path, logs) => {
    for (let i = 0; i < 2; i++) {
      const outcome = await client.requestAt<unknown>('textDocument/hover', path, 3, 9).then(
        (result) => ({ result }),
        (error: unknown) => ({ error }),
      );
      assert.ok('error' in outcome, `hover answered with a result instead of an error: ${JSON.stringify(outcome)}`);
      const e = outcome.error;
      assert.ok(e instanceof ResponseError, `not a response error: ${String(e)}`);
      assert.equal(e.code, LSPErrorCodes.RequestFailed);
      assert.match(e.message, /hover failed/);
      // the details (message, stack) stay in the server's log
      assert.doesNotMatch(e.message, /test fault|\bat\b.*\.js/);
    }
    const logged = await waitForLog(logs, /^hover failed: /);
    assert.equal(logged.type, 1, 'logged as an error');
    assert.match(logged.message, /Error: test fault injected into hover/);
    assert.match(logged.message, /\n\s+at \S/, 'the stack is logged');

    // a notification handler that throws is logged, and nothing is answered or lost
    await client.change(path, CONF.replace('204', '404'), 2);
    await waitForLog(logs, /^didChange failed: Error: test fault/);

    const after = await symbols(client, path);
    assert.ok(Array.isArray(after) && after.length > 0, 'documentSymbol after the failures');
    const folding = await client.request<unknown[]>('textDocument/foldingRange', { textDocument: { uri: client.uri(path) } });
    assert.ok(Array.isArray(folding) && folding.length > 0);
  });
});

test('a cancelled request is answered with RequestCancelled and not logged as a failure', async () => {
  await withServer('foldingRange:cancelled', async (client, path, logs) => {
    const source = new CancellationTokenSource();
    const pending = client.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri: client.uri(path) } }, source.token);
    setTimeout(() => source.cancel(), 100);
    const error = await pending.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof ResponseError, `expected an error response, got ${String(error)}`);
    assert.equal(error.code, LSPErrorCodes.RequestCancelled);
    assert.ok((await symbols(client, path)).length > 0, 'documentSymbol after the cancellation');
    assert.ok(!logs.some((l) => /foldingRange failed/.test(l.message)), 'a cancellation is not an error');
  });
});

test('without NGINX_DOCTOR_TEST_FAULT the hook is inert', async () => {
  await withServer(undefined, async (client, path, logs) => {
    const h = await client.requestAt<{ contents: unknown } | null>('textDocument/hover', path, 3, 9);
    assert.ok(h && JSON.stringify(h.contents).includes('listen'), `hover: ${JSON.stringify(h)}`);
    assert.ok(!logs.some((l) => /hover failed|test fault/.test(l.message)), logs.map((l) => l.message).join('\n'));
  });
});

test('each analysis is logged at Debug level, not Info (the output shows it only when asked to)', async () => {
  await withServer(undefined, async (client, path, logs) => {
    await client.change(path, CONF.replace('204', '404'), 2);
    const logged = await waitForLog(logs, /^analysed .*nginx\.conf \(1 files, \d+ directives\) in \d+ ms$/);
    assert.equal(logged.type, 5, 'MessageType.Debug');
  });
});
