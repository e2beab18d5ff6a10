// Restricted Mode and the include guard (docs/security.md), through the language server over
// stdio: folder settings cannot widen what is read, links inside the workspace do not lead out of
// it, and no request reads a file outside it (not only includes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, symlinkSync } from 'node:fs';
import { LspClient, messageText } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';
import { FILE_INFO, type FileInfo } from '../../server/src/protocol/protocol';
import { findRootConfigs } from '../../server/src/lsp/roots';

const SECRET = 'ssh-rsa-PRIVATE-KEY-MATERIAL;\n';

test('restricted mode: a folder-level confDir (or rootConfig) outside the workspace is ignored, and the language status says so', async () => {
  const home = tempTree({ '.ssh/id_rsa': SECRET });
  const ws = tempTree({ 'nginx.conf': 'events {}\nhttp {\n  include .ssh/id_rsa;\n}\n' });
  try {
    const settings = { confDir: home.dir, rootConfig: ['nginx.conf', home.path('.ssh/id_rsa')] };
    for (const trusted of [false, true]) {
      const { client } = await LspClient.start({ folders: [ws.dir], settings, trusted });
      try {
        await client.open(ws.path('nginx.conf'), readFileSync(ws.path('nginx.conf'), 'utf8'));
        const key = client.uri(home.path('.ssh/id_rsa'));
        const diags = await client.waitForDiagnostics(ws.path('nginx.conf'), (d) => d.length > 0 || client.diagnostics.has(key));
        const keyShown = diags.some((d) => /PRIVATE-KEY-MATERIAL/.test(messageText(d))) || (client.diagnostics.get(key) ?? []).some((d) => /PRIVATE-KEY-MATERIAL/.test(messageText(d)));
        const info = await client.request<FileInfo>(FILE_INFO, { uri: client.uri(ws.path('nginx.conf')) });
        if (!trusted) {
          assert.equal(keyShown, false, 'key material reached the diagnostics in restricted mode');
          assert.match(messageText(diags[0]!), /include "\.ssh\/id_rsa"|open\(\) ".*\.ssh\/id_rsa" failed/);
          assert.deepEqual(info.ignoredSettings, [
            `nginxDoctor.confDir "${home.dir}" is outside the workspace`,
            `nginxDoctor.rootConfig "${home.path('.ssh/id_rsa')}" is outside the workspace`,
          ]);
        } else {
          // a trusted workspace's settings are the user's choice
          assert.equal(keyShown, true, 'a trusted confDir is used');
          assert.equal(info.ignoredSettings, undefined);
        }
      } finally {
        await client.stop();
      }
    }
  } finally {
    home.remove();
    ws.remove();
  }
});

test('links inside the workspace that lead out of it are not read (include, glob, document link), and say so', async () => {
  const outside = tempTree({ 'secret/passwd.conf': 'root:x:0:0:root:/root:/bin/bash;\n', 'secret/key.conf': SECRET });
  const ws = tempTree({ 'nginx.conf': 'events {}\nhttp {\n  include users.conf;\n  include keys/*.conf;\n  include real.conf;\n}\n', 'real.conf': 'server { listen 80; }\n' });
  try {
    symlinkSync(outside.path('secret/passwd.conf'), ws.path('users.conf'));
    symlinkSync(outside.path('secret'), ws.path('keys'));
    const { client } = await LspClient.start({ folders: [ws.dir] });
    try {
      await client.open(ws.path('nginx.conf'), readFileSync(ws.path('nginx.conf'), 'utf8'));
      const diags = await client.waitForDiagnostics(ws.path('nginx.conf'), (d) => d.length > 0);
      const texts = [...client.diagnostics.values()].flat().map(messageText).join('\n');
      assert.doesNotMatch(texts, /root:x:0:0|PRIVATE-KEY-MATERIAL/);
      assert.ok(!client.diagnostics.has(client.uri(ws.path('users.conf'))) && !client.diagnostics.has(client.uri(ws.path('keys/key.conf'))), 'a file behind a link was analysed');
      assert.ok(
        // information, not an error (issue #17 item 8): the refusal is right, the config has no mistake there
        diags.some((d) => d.severity === 3 && messageText(d) === `"${ws.path('users.conf')}" (a link to "${outside.path('secret/passwd.conf')}") is outside the workspace and was not read; add its folder to "nginxDoctor.allowedIncludePaths" to read it`),
        diags.map(messageText).join('\n'),
      );
      const links = await client.request<{ target?: string }[]>('textDocument/documentLink', { textDocument: { uri: client.uri(ws.path('nginx.conf')) } });
      const targets = links.map((l) => l.target ?? '');
      assert.ok(targets.some((t) => t.endsWith('/real.conf')), JSON.stringify(targets));
      assert.ok(!targets.some((t) => /users\.conf|keys\//.test(t)), `links lead out of the workspace: ${JSON.stringify(targets)}`);
    } finally {
      await client.stop();
    }
  } finally {
    outside.remove();
    ws.remove();
  }
});

test('requests on an unopened file:// URI outside the workspace read nothing (hover, symbols, links, formatting, explain root)', async () => {
  const outside = tempTree({ 'id_rsa': `${SECRET}more;\n` });
  const ws = tempTree({ 'nginx.conf': 'events {}\nhttp {}\n' });
  try {
    const { client } = await LspClient.start({ folders: [ws.dir] });
    try {
      const uri = client.uri(outside.path('id_rsa'));
      const at = { textDocument: { uri }, position: { line: 0, character: 3 } };
      const answers = [
        await client.request('textDocument/hover', at),
        await client.request('textDocument/documentSymbol', { textDocument: { uri } }),
        await client.request('textDocument/documentLink', { textDocument: { uri } }),
        await client.request('textDocument/foldingRange', { textDocument: { uri } }),
        await client.request('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }),
        await client.request('textDocument/completion', at),
        await client.request('nginxDoctor/explainLines', { rootUri: uri, lines: ['x'] }),
      ];
      const all = JSON.stringify(answers);
      assert.doesNotMatch(all, /ssh-rsa|PRIVATE|KEY-MATERIAL/, all);
      assert.ok(!client.diagnostics.has(uri), 'the outside file was analysed');
    } finally {
      await client.stop();
    }
  } finally {
    outside.remove();
    ws.remove();
  }
});

test('the scan for root configs does not follow a link out of the workspace (nor back up the tree)', () => {
  const outside = tempTree({ 'root.conf': 'events {}\nhttp {}\n' });
  const ws = tempTree({ 'nginx.conf': 'events {}\nhttp {}\n', 'sub/site.conf': 'server { listen 80; }\n' });
  try {
    symlinkSync(outside.path('root.conf'), ws.path('linked.conf'));
    symlinkSync(outside.dir, ws.path('elsewhere'));
    symlinkSync('.', ws.path('sub/self'));
    assert.deepEqual(findRootConfigs([ws.dir]), [ws.path('nginx.conf')]);
  } finally {
    outside.remove();
    ws.remove();
  }
});
