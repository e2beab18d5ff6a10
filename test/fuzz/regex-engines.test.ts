// Random PCRE patterns and subjects: the two engines the product runs (re2js for patterns without
// back references or lookaround, on subjects without a newline; the budgeted matcher of
// regex-vm.ts for everything) give the same yes/no answer as JavaScript's own RegExp on the
// translated pattern (tests/unit/match-pcre.test.ts checks that translation against PCRE).
// Back references only to groups outside any repetition: there JavaScript resets captures each
// iteration and PCRE (and the budgeted matcher) keep the last value, so JavaScript is no oracle.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RE2JS } from 're2js';
import { runPcre, translatePcre } from '../../server/src/core/index';
import { compileRegex, vmExec } from '../../server/src/core/match/regex-vm';
import { counted, params, reportTried } from './gen';

after(reportTried);

const ATOMS = ['a', 'b', '/', '\\.', '.', '[ab]', '[^a]', '\\d', '\\w', '\\s', '\\W', 'é', '\\x00', '[[:alpha:]]', '(?i:a)'];
const QUANT = ['', '', '', '*', '+', '?', '{1,3}', '{2}', '*?', '+?', '??', '*+', '++', '{0,2}?'];

const leaf = fc.tuple(fc.constantFrom(...ATOMS), fc.constantFrom(...QUANT)).map(([a, q]) => a + q);
const { pattern } = fc.letrec((tie) => ({
  pattern: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.array(leaf, { minLength: 1, maxLength: 4 }).map((x) => x.join('')),
    fc.tuple(tie('pattern'), tie('pattern')).map(([x, y]) => `${x}${y}`),
    fc.tuple(tie('pattern'), tie('pattern')).map(([x, y]) => `${x}|${y}`),
    fc.tuple(fc.constantFrom('(', '(?:', '(?=', '(?!', '(?>', '(?<=a', '(?<!b'), tie('pattern'), fc.constantFrom(...QUANT)).map(([o, x, q]) => (o.startsWith('(?<') ? `${o})${x}` : `${o}${x})${q}`)),
    fc.tuple(fc.constantFrom('^', '\\b', ''), tie('pattern'), fc.constantFrom('$', '\\z', '\\b', '')).map(([a, x, z]) => `${a}${x}${z}`),
  ),
})) as { pattern: fc.Arbitrary<string> };

// a back reference to a first, unrepeated group
const withBackref = fc.tuple(pattern, pattern).map(([x, y]) => `(${x})${y}\\1`);
const subject = fc.array(fc.constantFrom('a', 'b', '/', '.', '\n', 'A', 'é', '1', ' ', '\x00'), { maxLength: 14 }).map((x) => x.join(''));
const toBytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

test('fuzz: re2js and the budgeted matcher agree with JavaScript on translated patterns', () => {
  fc.assert(fc.property(fc.oneof(pattern, withBackref), fc.boolean(), subject, counted('regex-engines', (p: string, ci: boolean, s: string) => {
    const t = translatePcre(p, ci);
    if (!t.ok) return;
    const bytes = toBytes(s);
    if (t.asciiOnly && /[^\x00-\x7f]/.test(bytes)) return; // JavaScript's "i" folds Latin-1 too; PCRE does not
    t.re.lastIndex = 0;
    const native = t.re.test(bytes);
    const vm = vmExec(compileRegex(t.source, t.asciiOnly), bytes, { steps: 5_000_000 }) !== null;
    assert.equal(vm, native, `budgeted matcher: /${t.source}/ on ${JSON.stringify(bytes)}`);
    if (t.re2Source !== null && !bytes.includes('\n')) {
      assert.equal(RE2JS.compile(t.re2Source).test(bytes), native, `re2js: ${t.re2Source} on ${JSON.stringify(bytes)}`);
    }
    const run = runPcre(t, bytes);
    if (run.known) assert.equal(run.m !== null, native, 'runPcre');
  })), params(3000));
});
