// URI normalisation before matching (ngx_http_parse_complex_uri) and Host validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBytes, parseRequestLine, parseTarget, toBytes, validateHost } from '../../server/src/core/index';

const norm = (target: string, merge = true): string => {
  const t = parseTarget(toBytes(target), merge);
  return t.ok ? `${fromBytes(t.uri)}${t.args ? ` ?${fromBytes(t.args)}` : ''}` : `400`;
};

test('normalisation table', () => {
  const table: [string, string, boolean?][] = [
    ['/', '/'],
    ['/a/b', '/a/b'],
    ['//a///b/', '/a/b/'],
    ['//a///b/', '//a///b/', false],
    ['/a/./b', '/a/b'],
    ['/a/.', '/a/'],
    ['/a/..', '/'],
    ['/a/b/../c', '/a/c'],
    ['/a/b/..', '/a/'],
    ['/a/%2e%2e/static/z', '/static/z'],
    ['/a%2fb/', '/a/b/'],
    ['/a%2F%2Fb', '/a/b'],
    ['/a%2F%2Fb', '/a//b', false],
    ['/%41%62', '/Ab'],
    ['/a%25b', '/a%b'],
    ['/a%23b', '/a#b'],
    ['/a%3fb?x=1', '/a?b ?x=1'],
    ['/a?b/../c', '/a ?b/../c'],
    ['/a#frag/../x', '/a'],
    ['/a?x#y', '/a ?x'],
    ['/a+b', '/a+b'],
    ['/caf%C3%A9', '/café'],
    ['/café', '/café'],
    ['/A/B', '/A/B'],
    ['/a/..%2f..', '400'],
    ['/..', '400'],
    ['/../a', '400'],
    ['/a/../../b', '400'],
    ['/a%00', '400'],
    ['/a%zz', '400'],
    ['/a%2', '400'],
    ['/a b', '400'],
    ['/a\tb', '400'],
    ['a', '400'],
    ['/.hidden', '/.hidden'],
    ['/a./b', '/a./b'],
    ['/a/.../b', '/a/.../b'],
    ['/a/..b', '/a/..b'],
  ];
  for (const [target, want, merge] of table) assert.equal(norm(target, merge ?? true), want, `${target} (merge_slashes ${merge === false ? 'off' : 'on'})`);
});

test('absolute targets carry a host; an empty path becomes "/"', () => {
  const t = parseTarget('http://Example.COM:8080/a/../b?q');
  assert.ok(t.ok);
  assert.deepEqual([t.host, t.uri, t.args, t.unparsed], ['example.com', '/b', 'q', '/a/../b?q']);
  const e = parseTarget('https://h.test');
  assert.ok(e.ok && e.uri === '/' && e.host === 'h.test');
  const q = parseTarget('http://h.test?x=1');
  assert.ok(q.ok && q.uri === '/' && q.args === 'x=1');
  assert.equal(parseTarget('ftp//x').ok, false);
  assert.equal(parseTarget('http://h_t/').ok, false);
});

test('Host validation: lower case, no port, one trailing dot; 400 for the invalid ones', () => {
  const table: [string, string | null][] = [
    ['Example.COM', 'example.com'],
    ['example.com:8080', 'example.com'],
    ['example.com.', 'example.com'],
    ['example.com.:80', 'example.com'],
    ['[::1]:8080', '[::1]'],
    ['127.0.0.1', '127.0.0.1'],
    ['caf\xc3\xa9.test', 'caf\xc3\xa9.test'],
    ['', null],
    ['a..b', null],
    ['a/b', null],
    ['a b', null],
    [':80', null],
    ['.', null],
  ];
  for (const [h, want] of table) assert.equal(validateHost(h), want, JSON.stringify(h));
});

test('request lines', () => {
  assert.deepEqual(parseRequestLine('GET /a?b HTTP/1.1'), { method: 'GET', target: '/a?b', protocol: 'HTTP/1.1' });
  assert.deepEqual(parseRequestLine('GET /'), { method: 'GET', target: '/', protocol: '' });
  assert.deepEqual(parseRequestLine('PROPFIND http://h/x HTTP/2.0'), { method: 'PROPFIND', target: 'http://h/x', protocol: 'HTTP/2.0' });
  assert.equal(parseRequestLine('\u0016\u0003\u0001binary'), null);
  assert.equal(parseRequestLine('get / HTTP/1.1'), null);
});
