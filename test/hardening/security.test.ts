// The defences described in docs/security.md, each with a test that fails without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LspClient, messageText } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';
import { CLI, REPO } from '../helpers/repo';

test('untrusted workspace settings cannot choose the nginx binary or widen include reading (restricted configurations)', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const restricted: string[] = pkg.capabilities.untrustedWorkspaces.restrictedConfigurations;
  for (const key of ['nginxDoctor.nginxPath', 'nginxDoctor.allowedIncludePaths']) {
    assert.ok(restricted.includes(key), `${key} is not restricted`);
    assert.equal(pkg.contributes.configuration.properties[key].scope, 'machine-overridable', key);
  }
});

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((e) => {
    const p = join(dir, e);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('no process is started through a shell or from a built command string', () => {
  for (const f of [...sources(join(REPO, 'server', 'src')), ...sources(join(REPO, 'client', 'src'))]) {
    const text = readFileSync(f, 'utf8');
    assert.doesNotMatch(text, /shell:\s*true/, `${f} uses shell: true`);
    assert.doesNotMatch(text, /(?<![.\w])(execSync|exec)\s*\(/, `${f} runs a command through a shell`);
    assert.doesNotMatch(text, /import\s*\{[^}]*\bexec\b[^}]*\}\s*from\s*'node:child_process'/, `${f} imports exec`);
  }
});

test('terminal escape sequences in a config do not reach the terminal through "check" text output', () => {
  const t = tempTree({ 'nginx.conf': 'events {}\nhttp {\n  \u001b[2J\u001b]0;pwned\u0007evil on;\n}\n' });
  try {
    const r = spawnSync(process.execPath, [CLI, 'check', t.path('nginx.conf')], { encoding: 'utf8' });
    assert.match(r.stdout, /unknown directive/);
    assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.stdout), JSON.stringify(r.stdout));
    assert.match(r.stdout, /\\x1b\[2J/);
  } finally {
    t.remove();
  }
});

test('terminal escape sequences in a log line do not reach the terminal through "explain" text output', () => {
  const t = tempTree({ 'nginx.conf': 'events {}\nhttp {\n  server { listen 80; server_name example.com; location / { proxy_pass http://127.0.0.1:9; } }\n}\n' });
  try {
    const log = '2024/05/01 12:00:00 [error] 7#7: *1 connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1, server: example.com, request: "GET /\u001b[2J\u009b31m HTTP/1.1", upstream: "http://127.0.0.1:9/", host: "example.com"\n';
    const r = spawnSync(process.execPath, [CLI, 'explain', '--config', t.path('nginx.conf'), '-'], { input: log, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /1 upstream failure/);
    assert.ok(!/[\u001b\u009b]/.test(r.stdout + r.stderr), JSON.stringify(r.stdout));
  } finally {
    t.remove();
  }
});

test('the language server runs `nginx -v` only in a trusted workspace', async () => {
  const t = tempTree({ 'nginx.conf': 'events {}\nhttp { server { listen 80; } }\n' });
  const fake = t.path('fake-nginx');
  t.write('fake-nginx', `#!/bin/sh\ntouch "${t.path('ran')}"\necho "nginx version: nginx/1.24.0" >&2\n`);
  chmodSync(fake, 0o755);
  try {
    for (const trusted of [false, true]) {
      const { client } = await LspClient.start({ folders: [t.dir], trusted, settings: { nginxPath: fake } });
      try {
        await client.open(t.path('nginx.conf'), readFileSync(t.path('nginx.conf'), 'utf8'));
        await client.waitForDiagnostics(t.path('nginx.conf'), () => true);
        assert.equal(existsSync(t.path('ran')), trusted, `trusted=${trusted}`);
      } finally {
        await client.stop();
      }
    }
  } finally {
    t.remove();
  }
});

test('in the editor, includes outside the workspace folders and the conf prefix are not read, and say why; allowedIncludePaths widens it', async () => {
  const outside = tempTree({ 'secret.conf': 'this is not read;\n' });
  const ws = tempTree({ 'nginx.conf': `events {}\nhttp {\n  include ${outside.path('secret.conf')};\n  include inside.conf;\n}\n`, 'inside.conf': 'server { listen 80; }\n' });
  try {
    for (const allowed of [[], [outside.dir]]) {
      const { client } = await LspClient.start({ folders: [ws.dir], settings: { allowedIncludePaths: allowed } });
      try {
        await client.open(ws.path('nginx.conf'), readFileSync(ws.path('nginx.conf'), 'utf8'));
        const diags = await client.waitForDiagnostics(ws.path('nginx.conf'), () => true);
        const notRead = diags.filter((d) => /allowedIncludePaths/.test(messageText(d)));
        if (allowed.length) {
          assert.equal(notRead.length, 0, JSON.stringify(diags.map(messageText)));
          await client.waitForDiagnostics(outside.path('secret.conf'), (d) => d.some((x) => /unknown directive "this"/.test(messageText(x))), 'the allowed include is checked');
        } else {
          assert.equal(notRead.length, 1, JSON.stringify(diags.map(messageText)));
          // the refusal is right, but the config has no mistake there: information, not an error
          assert.equal(notRead[0]!.severity, 3, 'an Information diagnostic');
          assert.match(messageText(notRead[0]!), /is outside the workspace and was not read; add its folder to "nginxDoctor\.allowedIncludePaths"/);
          assert.ok(!client.diagnostics.has(client.uri(outside.path('secret.conf'))), 'the outside file was read');
          assert.ok(!diags.some((d) => /inside\.conf/.test(messageText(d))), 'an include inside the workspace was refused');
        }
      } finally {
        await client.stop();
      }
    }
  } finally {
    outside.remove();
    ws.remove();
  }
});

test('in the editor, a file Debian ships outside the workspace is assumed (its directives count) and said once as information', async () => {
  const ws = tempTree({ 'nginx.conf': 'events {}\nhttp {\n  server {\n    listen 80;\n    location ~ \\.php$ {\n      include /etc/nginx/snippets/fastcgi-php.conf;\n      try_files $uri =404;\n      fastcgi_pass 127.0.0.1:9000;\n    }\n  }\n}\n' });
  try {
    const { client } = await LspClient.start({ folders: [ws.dir] });
    try {
      await client.open(ws.path('nginx.conf'), readFileSync(ws.path('nginx.conf'), 'utf8'));
      const diags = await client.waitForDiagnostics(ws.path('nginx.conf'), (d) => d.some((x) => x.code === 'include-not-found'));
      const info = diags.filter((d) => d.code === 'include-not-found');
      assert.equal(info.length, 1, JSON.stringify(diags.map(messageText)));
      assert.equal(info[0]!.severity, 3);
      assert.match(messageText(info[0]!), /"\/etc\/nginx\/snippets\/fastcgi-php\.conf" is outside the workspace and was not read \(Debian's standard snippets\/fastcgi-php\.conf is assumed\)/);
      // its try_files counts: a second one in the location is nginx's "is duplicate"
      assert.ok(diags.some((d) => d.code === 'duplicate-directive' && /try_files/.test(messageText(d))), JSON.stringify(diags.map(messageText)));
    } finally {
      await client.stop();
    }
  } finally {
    ws.remove();
  }
});

test('the language server survives requests with garbage parameters and keeps serving', async () => {
  const t = tempTree({ 'nginx.conf': 'events {}\nhttp { gzip yes; }\n' });
  try {
    const { client } = await LspClient.start({ folders: [t.dir] });
    try {
      const garbage: unknown[] = [{}, null, { textDocument: { uri: 42 }, position: 'x' }, { textDocument: { uri: 'file:///nope' }, position: { line: -5, character: 1e12 } }];
      for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/formatting', 'textDocument/codeAction', 'textDocument/documentSymbol', 'textDocument/foldingRange', 'textDocument/rename']) {
        for (const p of garbage) await client.request(method, p).catch(() => undefined);
      }
      await client.open(t.path('nginx.conf'), readFileSync(t.path('nginx.conf'), 'utf8'));
      const d = await client.waitForDiagnostics(t.path('nginx.conf'), (x) => x.length > 0);
      assert.ok(d.some((x) => /gzip/.test(messageText(x))));
    } finally {
      await client.stop();
    }
  } finally {
    t.remove();
  }
});
