// Formatting over stdio: document and range formatting with the client's tab size and
// spaces/tabs, the cases other formatters break (Certbot's trailing comment, multi-line log_format,
// Lua blocks, regexes with {3}, ${VAR} and {{ .Path }} templates), idempotence, and refusal (no
// edits, one notice) when the file has a syntax problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { LspClient } from '../helpers/lsp-client';
import { tempTree } from '../helpers/temp-tree';

const MESSY = `events{}
http {
  log_format   main  '$remote_addr - $remote_user [$time_local] "$request" '
                     '$status $body_bytes_sent';
map $uri $legacy {
    default        0;
    "~^/old/(?<rest>[a-z]{3})$"   1;   # aligned table stays aligned
}
  server {
    listen 443 ssl; # managed by Certbot
      server_name \${EXTHOST};
    location ~ "^/img/[0-9]{3}\\.png$" { return 200 "LB"; }
    location /ws { proxy_set_header Connection "upgrade";   proxy_pass "http://{{ .Upstream }}"; }
location /lua {
        content_by_lua_block {
          local t = { a = 1 }
            ngx.say(t.a)
        }
    }
  } # managed by Certbot
}
`;

const EXPECTED = `events {}
http {
    log_format main '$remote_addr - $remote_user [$time_local] "$request" '
                    '$status $body_bytes_sent';
    map $uri $legacy {
        default        0;
        "~^/old/(?<rest>[a-z]{3})$"   1;   # aligned table stays aligned
    }
    server {
        listen 443 ssl; # managed by Certbot
        server_name \${EXTHOST};
        location ~ "^/img/[0-9]{3}\\.png$" { return 200 "LB"; }
        location /ws { proxy_set_header Connection "upgrade"; proxy_pass "http://{{ .Upstream }}"; }
        location /lua {
            content_by_lua_block {
          local t = { a = 1 }
            ngx.say(t.a)
        }
        }
    } # managed by Certbot
}
`;

async function withDoc(text: string, fn: (c: LspClient, uri: string) => Promise<void>): Promise<void> {
  const t = tempTree({ 'nginx.conf': text });
  const { client } = await LspClient.start({ folders: [t.dir] });
  try {
    await client.open(t.path('nginx.conf'), text);
    await fn(client, client.uri(t.path('nginx.conf')));
  } finally {
    await client.stop();
    t.remove();
  }
}

function apply(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///x', 'nginx', 1, text), edits);
}

test('document formatting: indentation, spacing, and everything that must stay byte for byte', async () => {
  await withDoc(MESSY, async (c, uri) => {
    const edits = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    const out = apply(MESSY, edits);
    assert.equal(out, EXPECTED);
    // Edits touch white space only.
    assert.ok(edits.every((e) => /^[ \t\r\n]*$/.test(e.newText)));
    await c.change(fileURLToPath(uri), out, 2);
    const again = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    assert.deepEqual(again, [], 'a second pass changes nothing');
  });
});

test('the client decides the indentation: 2 spaces or tabs', async () => {
  const text = 'events {}\nhttp {\nserver {\nlisten 80;\n}\n}\n';
  await withDoc(text, async (c, uri) => {
    const two = apply(text, await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } }));
    assert.equal(two, 'events {}\nhttp {\n  server {\n    listen 80;\n  }\n}\n');
    const tabs = apply(text, await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 8, insertSpaces: false } }));
    assert.equal(tabs, 'events {}\nhttp {\n\tserver {\n\t\tlisten 80;\n\t}\n}\n');
  });
});

test('range formatting changes only the selected lines', async () => {
  const text = 'events {}\nhttp {\nserver {\nlisten 80;\n    server_name   a.test;\nroot /srv;\n}\n}\n';
  await withDoc(text, async (c, uri) => {
    const edits = await c.request<TextEdit[]>('textDocument/rangeFormatting', {
      textDocument: { uri },
      range: { start: { line: 3, character: 0 }, end: { line: 4, character: 5 } },
      options: { tabSize: 4, insertSpaces: true },
    });
    assert.ok(edits.every((e) => e.range.end.line >= 3 && e.range.end.line <= 4), JSON.stringify(edits));
    assert.equal(apply(text, edits), 'events {}\nhttp {\nserver {\n        listen 80;\n        server_name a.test;\nroot /srv;\n}\n}\n');
  });
});

test('a file with a syntax problem is not formatted, and the user is told why once', async () => {
  const text = 'events {}\nhttp {\n  server {\n    listen 80\n  }\n}\n';
  await withDoc(text, async (c, uri) => {
    const edits = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    assert.deepEqual(edits, []);
    await c.waitFor('notice', () => c.messages.some((m) => m.includes('not formatted')));
    assert.match(c.messages.find((m) => m.includes('not formatted'))!, /syntax problem \(unexpected "}"\)/);
    await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } });
    assert.equal(c.messages.filter((m) => m.includes('not formatted')).length, 1);
  });
});

test('CRLF files keep CRLF', async () => {
  const text = 'events {}\r\nhttp {\r\nserver { listen 80;\r\n}\r\n}\r\n';
  await withDoc(text, async (c, uri) => {
    const out = apply(text, await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri }, options: { tabSize: 4, insertSpaces: true } }));
    assert.equal(out, 'events {}\r\nhttp {\r\n    server {\r\n        listen 80;\r\n    }\r\n}\r\n');
  });
});
