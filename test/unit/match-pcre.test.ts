// PCRE -> JavaScript: what is translated exactly (on byte strings), and what is refused with a reason.
// Every answer is checked on the three engines: JavaScript's RegExp (the translation's meaning, never
// run by the product), the budgeted matcher (regex-vm.ts) and re2js (subjects without a newline).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RE2JS } from 're2js';
import { runPcre, toBytes, translatePcre } from '../../server/src/core/index';
import { compileRegex, vmExec } from '../../server/src/core/match/regex-vm';

const m = (pattern: string, subject: string, caseless = false): boolean => {
  const t = translatePcre(pattern, caseless);
  assert.ok(t.ok, `${pattern}: ${t.ok ? '' : t.reason}`);
  const bytes = toBytes(subject);
  t.re.lastIndex = 0;
  const native = t.re.test(bytes);
  const vm = vmExec(compileRegex(t.source, t.asciiOnly), bytes, { steps: 1_000_000 }) !== null;
  assert.equal(vm, native, `${pattern} on ${JSON.stringify(subject)}: budgeted matcher vs JavaScript`);
  if (t.re2Source !== null && !bytes.includes('\n')) {
    assert.equal(RE2JS.compile(t.re2Source).test(bytes), native, `${pattern} on ${JSON.stringify(subject)}: re2js (${t.re2Source}) vs JavaScript`);
  }
  const run = runPcre(t, bytes);
  assert.ok(run.known);
  assert.equal(run.m !== null, native);
  return native;
};

test('semantics on byte strings match PCRE in non-UTF mode', () => {
  const table: [string, string, boolean, boolean?][] = [
    ['\\.php$', '/x.php', true],
    ['\\.php$', '/x.php\n', true], // PCRE "$" also matches before a final newline
    ['\\.php$', '/x.php\nx', false],
    ['\\.php\\z', '/x.php\n', false],
    ['\\.php$', '/X.PHP', false],
    ['\\.php$', '/X.PHP', true, true],
    ['^/.$', '/é', false], // two bytes, "." is one byte
    ['^/..$', '/é', true],
    ['^/é$', '/é', true],
    ['É', '/é', false, true], // caseless folds ASCII only
    ['[é]', '/\u00a9', true], // [é] is the bytes C3 A9; © is C2 A9
    ['\\s', '/a\u00a0b', false], // NBSP is not PCRE white space (JS \s would say yes)
    ['.', '\r', true], // JS "." excludes \r, PCRE does not
    ['.', '\n', false],
    ['(?s).', '\n', true],
    ['^/(?P<n>[a-z]+)/(?P=n)$', '/ab/ab', true],
    ['^/(?<n>[a-z]+)/\\k<n>$', '/ab/ac', false],
    ["^/(?'n'x)\\k{n}", '/xx', true],
    ['(?i)^/static/', '/STATIC/a', true],
    ['^/a(?i)b', '/aB', true],
    ['^/a(?i)b', '/AB', false],
    ['^/(?i:a)b', '/Ab', true],
    ['^/(?i:a)b', '/AB', false],
    ['(?i)^/a(?-i)b', '/Ab', true],
    ['(?i)^/a(?-i)b', '/AB', false],
    ['(?x) ^/ a b # comment', '/ab', true],
    ['\\Q.+\\E', '/.+', true],
    ['\\Q.+\\E', '/ab', false],
    ['^/[[:alpha:]]+$', '/abc', true],
    ['^/[[:^digit:]]+$', '/abc', true],
    ['^/[[:^digit:]]+$', '/a1', false],
    ['^/[]a]', '/]', true],
    ['^/[^]a]', '/]', false],
    ['^/(?>a+)b', '/aab', true],
    ['^/(?>a+)a', '/aa', false], // atomic: no backtracking into the group
    ['^/a++a', '/aaa', false], // possessive
    ['^/a*+b', '/aab', true],
    ['^/(\\w)\\1', '/aa', true],
    ['^/(\\w)\\1', '/aA', false],
    ['^/(\\w)\\1', '/aA', true, true], // a case-insensitive back reference (ASCII)
    ['\\x2e', '/a.b', true],
    ['\\x{41}', '/A', true],
    ['\\101', '/A', true],
    ['a{2}', '/aa', true],
    ['a{,2}', '/a{,2}', true], // not a quantifier in PCRE2 10.42: literal
    ['\\Aa', 'ab', true],
    ['\\Gb', 'ab', false],
    ['(*LF)^/x', '/x', true],
    ['^/a\\Kb', '/ab', true],
    ['\\d+', '/v12', true],
    ['[\\d-z]', '/-', true],
    ['^/(?#comment)a', '/a', true],
    ['\\bapi\\b', '/api/x', true],
    ['\\h', '/a\tb', true],
    ['\\R', '/a\r\nb', true],
  ];
  for (const [p, s, want, ci] of table) assert.equal(m(p, s, ci ?? false), want, `${p} on ${JSON.stringify(s)}${ci ? ' (caseless)' : ''}`);
});

test('what cannot be translated exactly is refused with a reason', () => {
  const refused: [string, RegExp][] = [
    ['(?R)', /recursion/],
    ['(a)(?1)', /recursion/],
    ['(?(1)a|b)', /conditional/],
    ['(?|(a)|(b))', /branch reset/],
    ['\\p{Lu}', /Unicode property/],
    ['(*UTF8)é', /start-of-pattern option/],
    ['(*SKIP)a', /not supported/],
    ['a(*SKIP)b', /verbs/],
    ['(?J)(?<n>a)|(?<n>b)', /inline option "J"|used twice/],
    ['(?<n>a)|(?<n>b)', /used twice/],
    ['\\x{100}', /UTF mode/],
    ['(?U)a+', /inline option "U"/],
    ['a(?i)(\\w)\\1', /partly case-sensitive/],
  ];
  for (const [p, why] of refused) {
    const t = translatePcre(p);
    assert.equal(t.ok, false, p);
    if (!t.ok) assert.match(t.reason, why, p);
  }
});

test('capture numbers survive atomic groups (for rewrite $1)', () => {
  const t = translatePcre('^/(?>x+)(\\w+)/(\\d+)$');
  assert.ok(t.ok);
  const r = runPcre(t, '/xxab/12', true);
  assert.ok(r.known && r.m);
  assert.equal(r.m.captures[t.groups[1]!], 'ab');
  assert.equal(r.m.captures[t.groups[2]!], '12');
  const named = translatePcre('^/(?<dir>[a-z]+)/(\\d+)$');
  assert.ok(named.ok && named.re2Source !== null, 'RE2 takes named groups');
  const n = runPcre(named, '/abc/42', true);
  assert.ok(n.known && n.m);
  assert.deepEqual([n.m.captures[1], n.m.captures[2], n.m.groups?.dir], ['abc', '42', 'abc']);
  const nv = runPcre(named, '/abc/42\n', true); // a newline: the budgeted matcher answers
  assert.ok(nv.known && nv.m);
  assert.deepEqual([nv.m.captures[1], nv.m.captures[2], nv.m.groups?.dir], ['abc', '42', 'abc']);
});
