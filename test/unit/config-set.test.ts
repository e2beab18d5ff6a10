import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, buildConfigSet, defaultCatalog, Model, type ConfigNode } from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';

const catalog = defaultCatalog();
const build = (files: Record<string, string>, root = '/etc/nginx/nginx.conf') => buildConfigSet(root, { host: memoryHost(files), catalog });
const ctxOf = (nodes: ConfigNode[], name: string): string[] => nodes.filter((n) => n.d.name === name).map((n) => n.ctx);

test('includes are relative to the root config directory and spliced where they stand', () => {
  const set = build({
    '/etc/nginx/nginx.conf': 'http { include conf.d/*.conf; }',
    '/etc/nginx/conf.d/b.conf': 'server { listen 81; }',
    '/etc/nginx/conf.d/a.conf': 'server { listen 80; include snippets/x.conf; }',
    '/etc/nginx/conf.d/skip.txt': 'garbage',
    '/etc/nginx/snippets/x.conf': 'location / { }',
  });
  assert.deepEqual([...set.files.keys()], ['/etc/nginx/nginx.conf', '/etc/nginx/conf.d/a.conf', '/etc/nginx/conf.d/b.conf', '/etc/nginx/snippets/x.conf']);
  const http = set.main[0]!;
  assert.deepEqual(http.children.map((c) => c.d.name), ['include', 'server', 'server']);
  assert.deepEqual(ctxOf(set.all, 'location'), ['server']);
  const loc = set.all.find((n) => n.d.name === 'location')!;
  assert.equal(loc.parent?.d.name, 'server');
  assert.equal(loc.via?.d.name, 'include');
  assert.deepEqual(set.problems, []);
});

test('a missing include is reported on its argument, a glob matching nothing is fine', () => {
  const set = build({ '/etc/nginx/nginx.conf': 'http {\n include missing.conf;\n include none/*.conf;\n}' });
  assert.equal(set.problems.length, 1);
  assert.equal(set.problems[0]!.message, 'open() "/etc/nginx/missing.conf" failed (2: No such file or directory)');
  assert.equal(set.problems[0]!.code, 'include-not-found');
});

test('include cycles are reported, not followed forever', () => {
  const set = build({
    '/etc/nginx/nginx.conf': 'http { include a.conf; }',
    '/etc/nginx/a.conf': 'include b.conf;',
    '/etc/nginx/b.conf': 'include a.conf;',
  });
  assert.deepEqual(set.problems.map((p) => p.message), ['include cycle: a.conf -> b.conf -> a.conf']);
});

test('a file included from two contexts is expanded in each', () => {
  const set = build({
    '/etc/nginx/nginx.conf': 'http { include common.conf; server { include common.conf; location / { include common.conf; } } }',
    '/etc/nginx/common.conf': 'proxy_set_header Host $host;',
  });
  assert.deepEqual(ctxOf(set.all, 'proxy_set_header'), ['http', 'server', 'location']);
  assert.equal(set.files.size, 2);
});

test('effective values follow nginx inheritance: a lower level replaces the whole list', () => {
  const set = build({
    '/etc/nginx/nginx.conf': `http {
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      server {
        location /a { proxy_pass http://x; }
        location /b { proxy_set_header X-Only 1; proxy_pass http://x; }
      }
    }`,
  });
  const model = new Model(set);
  const [a, b] = model.locations;
  const ea = model.effective(a!, 'proxy_set_header');
  assert.deepEqual(ea.nodes.map((n) => n.d.args[0]!.value), ['Host', 'X-Real-IP']);
  assert.equal(ea.level?.d.name, 'http');
  const eb = model.effective(b!, 'proxy_set_header');
  assert.deepEqual(eb.nodes.map((n) => n.d.args[0]!.value), ['X-Only']);
  assert.equal(model.effective(a!, 'proxy_read_timeout').nodes.length, 0);
});

test('the model knows upstreams, servers and config-defined variables', () => {
  const set = build({
    '/etc/nginx/nginx.conf': `http {
      upstream app { server 127.0.0.1:3000; }
      map $http_upgrade $connection_upgrade { default upgrade; }
      server { set $target app; location ~ ^/(?<rest>.*)$ { return 200 $rest; } }
    }`,
  });
  const model = new Model(set);
  assert.deepEqual([...model.upstreams.keys()], ['app']);
  assert.equal(model.servers.length, 1);
  assert.deepEqual([...model.definedVariables.keys()].sort(), ['connection_upgrade', 'rest', 'target']);
});

test('a missing root config is a problem, not an exception', () => {
  const a = analyze('/nope/nginx.conf', { host: memoryHost({}), catalog });
  assert.equal(a.diagnostics[0]?.code, 'include-not-found');
});
