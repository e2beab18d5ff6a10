// The small ports of nginx's own argument readers behind invalid-regex, invalid-if-condition,
// invalid-map-body and invalid-url. Expected answers were checked against nginx 1.22.1 (PCRE2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regexError } from '../../server/src/core/values/regex';
import { ifTokens, parseIfCondition } from '../../server/src/core/values/if-condition';
import { isCidr, isIPv4Range, parseIPv4 } from '../../server/src/core/values/network';
import { upstreamAddressError } from '../../server/src/core/values/upstream-url';
import { ngxAtoi } from '../../server/src/core/values/numbers';
import { ngxParseTime } from '../../server/src/core/values/ngx-time';
import { parse } from '../../server/src/core/syntax/parser';
import { makeSourceFile } from '../../server/src/core/text/source-file';

test('regexError reports only what PCRE certainly refuses', () => {
  assert.equal(regexError('\\.(?:css|js$'), 'missing closing parenthesis');
  assert.equal(regexError('(gif|jpg))'), 'unmatched closing parenthesis');
  assert.equal(regexError('[a-z'), 'missing terminating ] for character class');
  assert.equal(regexError('*\\.php$'), 'quantifier does not follow a repeatable item');
  assert.equal(regexError('a|+b'), 'quantifier does not follow a repeatable item');
  assert.equal(regexError('x\\'), '\\ at end of pattern');
  for (const ok of [
    '\\.(?:css|js)$', '[]()]', '[^]a]', '\\(x\\)', '\\Q(\\E', '(?#(comment)x', '(?<n>a)(?P<m>b)\\k<n>',
    '[[:alpha:](]', '(?x) ( # comment', '(*UTF)a', 'a\\|*', 'a++', '(?|a|b)', '^(docker\\/1\\.(3|4|5(?!\\.[0-9]-dev))|Go ).*$',
  ]) {
    assert.equal(regexError(ok), null, ok);
  }
});

function condition(head: string): ReturnType<typeof parseIfCondition> {
  const text = `if ${head} { }`;
  const d = parse(makeSourceFile('/t.conf', text)).directives[0]!;
  return parseIfCondition(ifTokens(d.args, text));
}

test('if conditions are read the way the rewrite module reads them', () => {
  for (const ok of ['($a)', '( $a )', '($a = 1)', '($a = "b")', '($a = "")', '($a ~ "x" )', '(!-f $f)', '( -d $f )', '($a ~* (x|y))']) {
    assert.equal(condition(ok).problem, undefined, ok);
  }
  assert.equal(condition('($a = 1').problem?.message, 'invalid condition "1"');
  assert.equal(condition('("$a$b" = x)').problem?.message, 'invalid condition ""$a$b""');
  assert.equal(condition('($a == 1)').problem?.message, 'unexpected "==" in condition');
  assert.equal(condition('(-z $f)').problem?.message, 'invalid condition "-z"');
  assert.equal(condition('$a = 1').problem?.message, 'invalid condition "$a"');
  assert.equal(condition('($a = b c)').problem?.message, 'invalid condition "$a"');
  assert.deepEqual(condition('($uri ~* "^/(a|b)")').regex?.pattern, '^/(a|b)');
  assert.deepEqual(condition('($uri !~ ^/x$)').regex?.caseless, false);
});

test('networks, ranges and IPv4 addresses as ngx_inet_addr and ngx_ptocidr read them', () => {
  assert.equal(parseIPv4('10.0.0.1'), 0x0a000001);
  assert.equal(parseIPv4('.1.2.3'), 0x00010203);
  assert.equal(parseIPv4('10.0.0.256'), null);
  assert.equal(parseIPv4('10.0.0'), null);
  assert.equal(parseIPv4('255.255.255.255'), null);
  assert.ok(isCidr('10.0.0.0/8'));
  assert.ok(isCidr('10.1.2.3/8'));
  assert.ok(isCidr('2001:db8::/32'));
  assert.ok(!isCidr('10.0.0.0/33'));
  assert.ok(!isCidr('2001:db8::/129'));
  assert.ok(!isCidr('example.com'));
  assert.ok(isIPv4Range('10.0.0.0-10.0.0.255'));
  assert.ok(!isIPv4Range('10.0.0.9-10.0.0.1'));
});

test('upstream addresses as ngx_parse_url reads them', () => {
  assert.equal(upstreamAddressError('127.0.0.1:9000', false), null);
  assert.equal(upstreamAddressError('http://127.0.0.1:9000', false), 'invalid host');
  assert.equal(upstreamAddressError('127.0.0.1:8080/api/', true), null);
  assert.equal(upstreamAddressError('127.0.0.1:80800', true), 'invalid port');
  assert.equal(upstreamAddressError('', true), 'no host');
  assert.equal(upstreamAddressError('unix:/run/php.sock', false), null);
  assert.equal(upstreamAddressError('[::1]:8080', false), null);
});

test('ngx_atoi: digits only, up to the 64-bit maximum', () => {
  assert.equal(ngxAtoi('42'), 42);
  assert.equal(ngxAtoi('-1'), null);
  assert.equal(ngxAtoi(''), null);
  assert.equal(ngxAtoi('9223372036854775808'), null);
});

test('ngx_parse_time, exactly: order of units, spaces, seconds or milliseconds', () => {
  assert.equal(ngxParseTime('1h 30m', true), 5400);
  assert.equal(ngxParseTime('1 2', true), 3);
  assert.equal(ngxParseTime('500ms', false), 500);
  assert.equal(ngxParseTime('500ms', true), null);
  assert.equal(ngxParseTime('1y', true), 365 * 86400);
  assert.equal(ngxParseTime('1y', false), null);
  assert.equal(ngxParseTime('1M', false), null);
  assert.equal(ngxParseTime('30s 1h', true), null);
  assert.equal(ngxParseTime('75z', false), null);
  assert.equal(ngxParseTime('', true), null);
});
