// `nginx-doctor settings`: the effective settings of each proxied location with their source, on a
// config with inheritance (http -> server -> location -> nested location) and included snippets;
// the values are then checked against what Debian's nginx really does with that config, against
// a stub backend that sleeps, sends big headers and counts connections: a proxy_read_timeout the
// CLI says is 1s gives a 504 for a 2.5 s answer while the 5s one gives 200, the headers it lists
// are the ones the backend receives, the buffer it lists decides "too big header", keepalive and
// the HTTP version it lists are what the backend sees.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI } from '../helpers/repo';
import { freePort, httpRequest } from '../helpers/backends';
import { makePrefix, nginxBinary, nginxVersion, removePrefix, startNginx, stopNginx } from '../helpers/nginx-oracle';
import { startStubBackend, type StubBackend } from '../helpers/stub-backend';

interface Setting { group: string; name: string; value: string; file: string | null; line: number | null; level: string; default: boolean; note?: string }
interface Block { location: { file: string; line: number; modifier: string; pattern: string } | null; block: { file: string; line: number; kind: string }; pass: { target: string }; upstream: { name: string } | null; settings: Setting[] }
interface Out { root: string; nginxVersion: string | null; locations: Block[]; error?: string; server?: unknown }

const run = (cwd: string, ...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, [CLI, 'settings', ...args], { cwd, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const skip = !nginxBinary() ? 'nginx is not installed' : false;

describe('nginx-doctor settings against a config with inheritance, checked by a real nginx', { skip }, () => {
  let prefix: string;
  let backend: StubBackend;
  let port: number;
  let port2: number;
  let conf: string;
  const version = nginxVersion() ?? '1.22.1';
  const lines: Record<string, number> = {};

  before(async () => {
    backend = await startStubBackend('settings');
    port = await freePort();
    port2 = await freePort();
    prefix = makePrefix();
    mkdirSync(join(prefix, 'site', 'snippets'), { recursive: true });
    const b = `127.0.0.1:${backend.port}`;
    const main = [
      'worker_processes 1;',
      'events { worker_connections 64; }',
      'http {',
      '    access_log off;',
      '    proxy_read_timeout 1s;',
      '    proxy_set_header X-Level http;',
      '    include snippets/buffers.conf;',
      '    upstream ka {',
      `        server ${b};`,
      '        keepalive 4;',
      '    }',
      '    server {',
      `        listen 127.0.0.1:${port};`,
      '        server_name settings.test;',
      '        proxy_read_timeout 5s;',
      '        location /inherit/ {',
      `            proxy_pass http://${b};`,
      '        }',
      '        location /outer/ {',
      '            proxy_set_header X-Level outer;',
      `            proxy_pass http://${b};`,
      '            location /outer/inner/ {',
      '                include snippets/inner.conf;',
      `                proxy_pass http://${b};`,
      '            }',
      '        }',
      '        location /ka/ {',
      '            proxy_http_version 1.1;',
      '            proxy_set_header Connection "";',
      '            proxy_pass http://ka;',
      '        }',
      '        location /static/ {',
      '            return 200;',
      '        }',
      '    }',
      '    server {',
      `        listen 127.0.0.1:${port2};`,
      '        server_name other.test;',
      '        location / {',
      `            proxy_pass http://${b};`,
      '        }',
      '    }',
      '}',
      '',
    ];
    conf = join(prefix, 'site', 'nginx.conf');
    writeFileSync(conf, main.join('\n'));
    writeFileSync(join(prefix, 'site', 'snippets', 'buffers.conf'), '# http level, through an include\nproxy_buffer_size 1k;\n');
    writeFileSync(join(prefix, 'site', 'snippets', 'inner.conf'), 'proxy_read_timeout 1s;\nproxy_buffer_size 8k;\nproxy_set_header X-Level inner;\n');
    main.forEach((l, i) => (lines[l.trim()] ??= i + 1));
    await startNginx(conf, prefix, { waitPort: port });
  });
  after(async () => {
    await stopNginx();
    await backend?.close();
    if (prefix) removePrefix(prefix);
  });

  const json = (...args: string[]): Out => {
    const r = run(join(prefix, 'site'), '--config', 'nginx.conf', '--format', 'json', '--nginx-version', version, ...args);
    assert.equal(r.code, 0, r.err + r.out);
    return JSON.parse(r.out) as Out;
  };
  const setting = (b: Block, name: string): Setting => {
    const s = b.settings.filter((x) => x.name === name);
    assert.equal(s.length, 1, `one ${name} in ${JSON.stringify(b.settings.map((x) => x.name))}`);
    return s[0]!;
  };

  test('every proxied block is listed, in reading order, with its location', () => {
    const o = json();
    assert.equal(o.nginxVersion, version);
    assert.deepEqual(o.locations.map((l) => `${l.location?.pattern} ${l.block.kind}`), ['/inherit/ location', '/outer/ location', '/outer/inner/ location', '/ka/ location', '/ location']);
    assert.equal(o.locations[0]!.location!.line, lines['location /inherit/ {']);
  });

  test('proxy_read_timeout: server level over http, the nested location\'s snippet over both; nginx agrees (504 vs 200 for a 2.5 s answer)', async () => {
    const inherit = json(`http://settings.test:${port}/inherit/`).locations;
    assert.equal(inherit.length, 1);
    assert.deepEqual(setting(inherit[0]!, 'proxy_read_timeout'), { group: 'timeouts', name: 'proxy_read_timeout', value: '5s', file: 'nginx.conf', line: lines['proxy_read_timeout 5s;'], level: 'server', default: false });
    const inner = json(`http://settings.test:${port}/outer/inner/x`).locations[0]!;
    assert.deepEqual(setting(inner, 'proxy_read_timeout'), { group: 'timeouts', name: 'proxy_read_timeout', value: '1s', file: 'snippets/inner.conf', line: 1, level: 'location', default: false });
    const other = json(`http://other.test:${port2}/`).locations[0]!;
    assert.deepEqual(setting(other, 'proxy_read_timeout'), { group: 'timeouts', name: 'proxy_read_timeout', value: '1s', file: 'nginx.conf', line: lines['proxy_read_timeout 1s;'], level: 'http', default: false });
    assert.equal(setting(other, 'proxy_connect_timeout').value, '60s');
    assert.equal(setting(other, 'proxy_connect_timeout').default, true);

    const [a, b, c] = await Promise.all([
      httpRequest(port, '/inherit/sleep/2500', { host: 'settings.test' }, 15_000),
      httpRequest(port, '/outer/inner/sleep/2500', { host: 'settings.test' }, 15_000),
      httpRequest(port2, '/sleep/2500', { host: 'other.test' }, 15_000),
    ]);
    assert.equal(a.status, 200, '5s (server) outlasts a 2.5 s answer');
    assert.equal(b.status, 504, '1s (nested location, from the snippet) does not');
    assert.equal(c.status, 504, '1s (http) does not');
  });

  test('proxy_set_header: the deciding level\'s list plus the defaults nginx adds; the backend receives exactly that', async () => {
    const headers = (b: Block): string[] => b.settings.filter((s) => s.name === 'proxy_set_header').map((s) => `${s.value}|${s.default ? 'default' : `${s.level}`}`);
    const o = json();
    const by = (p: string): Block => o.locations.find((l) => l.location?.pattern === p)!;
    assert.deepEqual(headers(by('/inherit/')), ['X-Level http|http', 'Host $proxy_host|default', 'Connection close|default']);
    assert.deepEqual(headers(by('/outer/')), ['X-Level outer|location', 'Host $proxy_host|default', 'Connection close|default']);
    assert.deepEqual(headers(by('/outer/inner/')), ['X-Level inner|location', 'Host $proxy_host|default', 'Connection close|default']);
    assert.deepEqual(headers(by('/ka/')), ['Connection ""|location', 'Host $proxy_host|default']);
    for (const [path, level] of [['/inherit/x', 'http'], ['/outer/x', 'outer'], ['/outer/inner/x', 'inner']] as const) {
      const r = await httpRequest(port, path, { host: 'settings.test' });
      const seen = (JSON.parse(r.body) as { headers: Record<string, string> }).headers;
      assert.equal(seen['x-level'], level, path);
      assert.equal(seen.host, `127.0.0.1:${backend.port}`, `${path}: Host $proxy_host`);
      assert.equal(seen.connection, 'close', `${path}: Connection close`);
    }
  });

  test('proxy_buffer_size: 1k from an http-level include vs 8k in the nested location; a 2 kB header is 502 only with 1k', async () => {
    const o = json();
    const inherit = o.locations.find((l) => l.location?.pattern === '/inherit/')!;
    const inner = o.locations.find((l) => l.location?.pattern === '/outer/inner/')!;
    assert.deepEqual(setting(inherit, 'proxy_buffer_size'), { group: 'buffers', name: 'proxy_buffer_size', value: '1k', file: 'snippets/buffers.conf', line: 2, level: 'http', default: false });
    assert.equal(setting(inner, 'proxy_buffer_size').value, '8k');
    assert.equal((await httpRequest(port, '/inherit/bigheader/2000', { host: 'settings.test' })).status, 502);
    assert.equal((await httpRequest(port, '/outer/inner/bigheader/2000', { host: 'settings.test' })).status, 200);
  });

  test('keepalive and the HTTP version: what the settings say is what the backend sees', async () => {
    const o = json();
    const ka = o.locations.find((l) => l.location?.pattern === '/ka/')!;
    const inherit = o.locations.find((l) => l.location?.pattern === '/inherit/')!;
    assert.equal(ka.upstream?.name, 'ka');
    assert.deepEqual(setting(ka, 'keepalive'), { group: 'keepalive', name: 'keepalive', value: '4', file: 'nginx.conf', line: lines['keepalive 4;'], level: 'upstream', default: false });
    assert.equal(setting(ka, 'proxy_http_version').value, '1.1');
    assert.equal(setting(inherit, 'keepalive').value, 'off');
    const http = setting(inherit, 'proxy_http_version');
    const before1297 = /^1\.(1\d|2\d)\./.test(version) && !/^1\.29\.([7-9]|\d\d)/.test(version);
    assert.equal(http.value, before1297 ? '1.0' : '1.1');
    assert.equal(http.default, true);

    const before = backend.connections;
    await httpRequest(port, '/ka/a', { host: 'settings.test' });
    await httpRequest(port, '/ka/b', { host: 'settings.test' });
    assert.equal(backend.connections - before, 1, 'keepalive 4: the second request reuses the connection');
    const mid = backend.connections;
    const r = await httpRequest(port, '/inherit/a', { host: 'settings.test' });
    await httpRequest(port, '/inherit/b', { host: 'settings.test' });
    assert.equal(backend.connections - mid, 2, 'keepalive off: a connection per request');
    assert.equal((JSON.parse(r.body) as { httpVersion: string }).httpVersion, http.value, 'the HTTP version the backend sees is the default the CLI names');
  });

  test('--location FILE:LINE picks the innermost location at that line; text output names each source', () => {
    const inner = json('--location', `snippets/../nginx.conf:${lines['include snippets/inner.conf;']}`);
    assert.deepEqual(inner.locations.map((l) => l.location?.pattern), ['/outer/inner/']);
    const outer = json('--location', `nginx.conf:${lines['location /outer/ {']}`);
    assert.deepEqual(outer.locations.map((l) => l.location?.pattern), ['/outer/']);
    const t = run(join(prefix, 'site'), '--config', 'nginx.conf', '--nginx-version', version, `http://settings.test:${port}/inherit/`);
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /^nginx-doctor: effective settings of 1 block\(s\)/);
    assert.match(t.out, new RegExp(`proxy_read_timeout +5s +nginx\\.conf:${lines['proxy_read_timeout 5s;']} \\(server\\)`));
    assert.match(t.out, /proxy_buffer_size +1k +snippets\/buffers\.conf:2 \(http\)/);
    assert.match(t.out, /proxy_connect_timeout +60s +default\n/);
  });

  test('a URL or line that reaches no proxied location exits 1 with the reason; bad input exits 2', () => {
    const stat = run(join(prefix, 'site'), '--config', 'nginx.conf', '--format', 'json', `http://settings.test:${port}/static/x`);
    assert.equal(stat.code, 1);
    assert.match((JSON.parse(stat.out) as Out).error ?? '', /location \/static\/ \(nginx\.conf:\d+\) passes no request to a backend/);
    const none = run(join(prefix, 'site'), '--config', 'nginx.conf', 'http://settings.test:1/');
    assert.equal(none.code, 1);
    assert.match(none.out, /no server block accepts it/);
    assert.equal(run(join(prefix, 'site'), '--config', 'nginx.conf', '--location', 'nginx.conf').code, 2);
    assert.equal(run(join(prefix, 'site'), '--config', 'nginx.conf', 'ftp://x/').code, 2);
    assert.equal(run(join(prefix, 'site'), 'http://x/').code, 2);
    const missing = run(join(prefix, 'site'), '--config', 'none.conf');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read/);
  });

  test('without --nginx-version, defaults that changed between releases say so', () => {
    const r = run(join(prefix, 'site'), '--config', 'nginx.conf', '--format', 'json', `http://other.test:${port2}/`);
    const b = (JSON.parse(r.out) as Out).locations[0]!;
    const v = setting(b, 'proxy_http_version');
    assert.equal(v.value, '1.0');
    assert.match(v.note ?? '', /nginx version unknown \(1\.29\.6 assumed\); nginx 1\.29\.6 and earlier: 1\.0; later: 1\.1/);
    assert.equal(setting(b, 'proxy_read_timeout').note, undefined);
  });
});
