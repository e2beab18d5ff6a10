// Access-log formats compiled into parsers: combined, main, and any log_format from the config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMBINED, buildConfigSet, compileLogFormat, defaultCatalog, logFormatsFromConfig, parseAccessLine } from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';

test('combined', () => {
  const e = parseAccessLine('192.0.2.7 - alice [22/Nov/2026:02:50:50 +0100] "POST /api/orders?id=1 HTTP/1.1" 502 157 "https://shop.test/cart" "Mozilla/5.0 (X11; Linux x86_64)"', [COMBINED])!;
  assert.equal(e.format, 'combined');
  assert.deepEqual([e.remoteAddr, e.time, e.request, e.status], ['192.0.2.7', '22/Nov/2026:02:50:50 +0100', 'POST /api/orders?id=1 HTTP/1.1', 502]);
  assert.equal(e.fields.remote_user, 'alice');
  assert.equal(e.fields.http_user_agent, 'Mozilla/5.0 (X11; Linux x86_64)');
  assert.equal(e.host, undefined);
});

test('default escaping: \\x22 inside quotes and UTF-8 bytes come back as text', () => {
  const e = parseAccessLine('1.2.3.4 - - [22/Nov/2026:02:50:50 +0000] "GET /caf\\xC3\\xA9?q=\\x22x\\x22 HTTP/1.1" 504 0 "-" "ua \\x22quoted\\x22"', [COMBINED])!;
  assert.equal(e.request, 'GET /café?q="x" HTTP/1.1');
  assert.equal(e.fields.http_user_agent, 'ua "quoted"');
});

test('log_format from the config: multi-part strings, escape=json, ${var}, upstream lists', () => {
  const set = buildConfigSet('/etc/nginx/nginx.conf', {
    host: memoryHost({
      '/etc/nginx/nginx.conf': `http {
        log_format up '$remote_addr $host [$time_local] "$request" $status '
                      'ua="$upstream_addr" us="$upstream_status" rt=$request_time sn=\${server_name}';
        log_format js escape=json '{"t":"$time_iso8601","req":"$request","s":$status,"h":"$host"}';
      }`,
    }),
    catalog: defaultCatalog(),
  });
  const formats = logFormatsFromConfig(set);
  assert.deepEqual(formats.map((f) => [f.name, f.escape]), [['up', 'default'], ['js', 'json']]);
  const a = parseAccessLine('10.0.0.1 api.test [22/Nov/2026:02:50:50 +0000] "GET /v1/x HTTP/1.1" 502 ua="10.0.0.5:8080, 10.0.0.6:8080 : backup" us="502, 502 : 502" rt=0.003 sn=api.test', formats)!;
  assert.deepEqual([a.format, a.host, a.upstreamAddr, a.upstreamStatus, a.serverName, a.status], ['up', 'api.test', '10.0.0.5:8080, 10.0.0.6:8080 : backup', '502, 502 : 502', 'api.test', 502]);
  const j = parseAccessLine('{"t":"2026-11-22T02:50:50+00:00","req":"GET /a\\"b HTTP/1.1","s":504,"h":"x.test"}', formats)!;
  assert.deepEqual([j.format, j.request, j.status, j.host, j.time], ['js', 'GET /a"b HTTP/1.1', 504, 'x.test', '2026-11-22T02:50:50+00:00']);
});

test('HTTP/0.9 answers log status 009; "-" values stay out of the derived fields', () => {
  const f = compileLogFormat('m', '$remote_addr "$request" $status $upstream_addr');
  const e = parseAccessLine('1.2.3.4 "GET /x HTTP/1.1" 009 10.0.0.1:80', [f])!;
  assert.equal(e.status, 9);
  const d = parseAccessLine('1.2.3.4 "GET /x HTTP/1.1" 502 -', [f])!;
  assert.equal(d.upstreamAddr, undefined);
  assert.equal(d.fields.upstream_addr, '-');
});

test('lines that fit no format are rejected', () => {
  for (const g of ['', 'hello world', '1.2.3.4 - - [bad date] "GET / HTTP/1.1" 200 0 "-" "-"', '1.2.3.4 - - [22/Nov/2026:02:50:50 +0000] "GET / HTTP/1.1" abc 0 "-" "-"']) {
    assert.equal(parseAccessLine(g, [COMBINED]), null, g);
  }
});
