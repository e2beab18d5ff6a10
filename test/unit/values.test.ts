import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOffset, parseSize } from '../../server/src/core/values/units';
import { ngxParseTime } from '../../server/src/core/values/ngx-time';
import { parseListen } from '../../server/src/core/values/listen';
import { editDistance, closestMatch } from '../../server/src/core/util/strings';
import { inRange, parseVersion } from '../../server/src/core/util/version';
import { normalize, resolve, dirname, relative } from '../../server/src/core/util/path';

test('sizes take k and m, offsets also g', () => {
  assert.equal(parseSize('8k'), 8192);
  assert.equal(parseSize('1M'), 1048576);
  assert.equal(parseSize('10'), 10);
  assert.equal(parseSize('10g'), null);
  assert.equal(parseSize('1.5m'), null);
  assert.equal(parseSize(''), null);
  assert.equal(parseOffset('2g'), 2 * 1024 ** 3);
});

test('times combine units in decreasing order; bare numbers are seconds', () => {
  assert.equal(ngxParseTime('60', false), 60_000);
  assert.equal(ngxParseTime('1h 30m', false), 5_400_000);
  assert.equal(ngxParseTime('1h30m', false), 5_400_000);
  assert.equal(ngxParseTime('500ms', false), 500);
  assert.equal(ngxParseTime('500ms', true), null);
  assert.equal(ngxParseTime('10x', false), null);
  assert.equal(ngxParseTime('30s 1h', false), null);
  assert.equal(ngxParseTime('1d', true), 86_400);
  assert.equal(ngxParseTime('1y', false), null, 'millisecond times refuse years');
});

test('listen addresses and ports', () => {
  assert.deepEqual(parseListen('80'), { host: '*', port: 80, unix: false });
  assert.deepEqual(parseListen('127.0.0.1:8080'), { host: '127.0.0.1', port: 8080, unix: false });
  assert.deepEqual(parseListen('[::]:443'), { host: '[::]', port: 443, unix: false });
  assert.deepEqual(parseListen('example.com'), { host: 'example.com', port: 80, unix: false });
  assert.equal(parseListen('99999').invalidPort, '99999');
  assert.equal(parseListen('0.0.0.0:0').invalidPort, '0');
  assert.equal(parseListen('unix:/run/x.sock').unix, true);
});

test('suggestions and versions', () => {
  assert.equal(editDistance('proxy_pas', 'proxy_pass'), 1);
  assert.equal(editDistance('lsiten', 'listen'), 1);
  assert.equal(closestMatch('proxy_pas', ['proxy_pass', 'proxy_bind']), 'proxy_pass');
  assert.equal(closestMatch('zzzzzz', ['proxy_pass']), undefined);
  const v = parseVersion('1.24.0')!;
  assert.ok(inRange(v, '1.18.0', '1.25.0'));
  assert.ok(!inRange(v, '1.25.1'));
  assert.ok(!inRange(v, undefined, '1.23.4'));
});

test('posix path helpers', () => {
  assert.equal(normalize('/a/./b/../c//d'), '/a/c/d');
  assert.equal(resolve('/etc/nginx', 'conf.d/x.conf'), '/etc/nginx/conf.d/x.conf');
  assert.equal(resolve('/etc/nginx', '/abs/y.conf'), '/abs/y.conf');
  assert.equal(resolve('rel/dir', '../x'), 'rel/x');
  assert.equal(dirname('/etc/nginx/nginx.conf'), '/etc/nginx');
  assert.equal(relative('/a/b', '/a/c/d'), '../c/d');
});
