// Property-based tests over the whole pure core: lexer, parser, config set, model, every rule,
// fixAll, the formatter and the log parser. Nothing may throw, every range must lie inside its
// document, fixes are idempotent and add no syntax problems, formatting is idempotent and keeps
// the tokens. `npm test` runs a small sample; `npm run fuzz -- --seconds N` runs long.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  analyze, buildConfigSet, checkSyntax, SyntaxCheck, defaultCatalog, formatDocument, formatText, lex, makeSourceFile, parse, walk, Model, ParseCache, RULES,
  LogReader, parseErrorText, parseAccessLine, COMBINED, Matcher, Explainer, isUpstreamFailure,
} from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';
import { anyConfig, config, counted, logLine, params, reportTried, soup } from './gen';
import { assertInside, checkFixAll, files, ROOT, SNIPPET } from './props';

after(reportTried);

test('fuzz: the lexer never throws and its tokens are ordered and inside the text', () => {
  fc.assert(fc.property(anyConfig, counted('lexer', (t: string) => {
    const r = lex(t);
    let last = 0;
    for (const tok of r.tokens) {
      assert.ok(tok.start >= last && tok.end >= tok.start && tok.end <= t.length, `token ${tok.kind} ${tok.start}-${tok.end}`);
      last = tok.end;
    }
    for (const p of r.problems) assert.ok(p.start >= 0 && p.end <= t.length && p.start <= p.end);
  })), params(4000));
});

test('fuzz: the parser never throws; directives, arguments and problems lie inside the text', () => {
  fc.assert(fc.property(anyConfig, counted('parser', (t: string) => {
    const r = parse(makeSourceFile('/x.conf', t));
    for (const d of walk(r.directives)) {
      assert.ok(0 <= d.start && d.start <= d.end && d.end <= t.length);
      for (const a of d.args) assert.ok(d.start <= a.start && a.end <= t.length);
    }
    for (const p of r.problems) assert.ok(p.start >= 0 && p.end <= t.length && p.start <= p.end);
  })), params(4000));
});

test('fuzz: the tree-less syntax check (huge documents) reports exactly the parser\'s problems, also in slices', () => {
  fc.assert(fc.property(anyConfig, fc.integer({ min: 1, max: 64 }), counted('syntax-check', (t: string, slice: number) => {
    const expected = parse(makeSourceFile('/x.conf', t)).problems;
    assert.deepEqual(checkSyntax(t), expected);
    const c = new SyntaxCheck(t);
    while (!c.step(slice));
    assert.deepEqual(c.problems, expected, `in slices of ${slice}`);
  })), params(3000));
});

test('fuzz: config set and model never throw, for roots and snippets', () => {
  fc.assert(fc.property(anyConfig, counted('config-set', (t: string) => {
    const host = memoryHost(files(t));
    const set = buildConfigSet(ROOT, { host, catalog: defaultCatalog() });
    const m = new Model(set);
    assert.ok(set.all.length >= 0 && m !== undefined);
    const alone = buildConfigSet(SNIPPET, { host, catalog: defaultCatalog(), startContext: 'http' });
    new Model(alone);
  })), params(2000));
});

test('fuzz: every rule runs without throwing and every diagnostic, related and fix range is inside its file', () => {
  fc.assert(fc.property(anyConfig, fc.boolean(), counted('rules', (t: string, asSnippet: boolean) => {
    const fs = files(t);
    const host = memoryHost(fs);
    const a = asSnippet
      ? analyze(SNIPPET, { host, catalog: defaultCatalog(), startContext: 'server', rules: RULES, ruleOptions: { websocketReadTimeout: '3600s', checkLocalSockets: false } })
      : analyze(ROOT, { host, catalog: defaultCatalog(), cache: new ParseCache(), nginxVersion: '1.24.0', ruleOptions: { websocketReadTimeout: '3600s', checkLocalSockets: false } });
    assertInside(a.diagnostics, fs);
  })), params(2000));
});

test('fuzz: fixAll never throws, adds no syntax problems, and a second pass changes nothing', () => {
  fc.assert(fc.property(config, counted('fix-all', (t: string) => {
    checkFixAll(t);
  })), params(800));
});

test('fuzz: formatting never throws, is idempotent and keeps every token', () => {
  fc.assert(fc.property(anyConfig, fc.integer({ min: 1, max: 8 }), fc.boolean(), counted('format', (t: string, tabSize: number, insertSpaces: boolean) => {
    const opts = { tabSize, insertSpaces };
    const r = formatText(t, opts);
    for (const e of r.edits) assert.ok(0 <= e.start && e.start <= e.end && e.end <= t.length);
    const once = formatDocument(t, opts);
    if (once.refused) return;
    // comments lose their trailing white space by design; everything else is byte for byte
    const toks = (s: string) => lex(s).tokens.map((k) => `${k.kind}:${k.kind === 'comment' ? s.slice(k.start, k.end).trimEnd() : s.slice(k.start, k.end)}`);
    assert.deepEqual(toks(once.text), toks(t), 'formatting changed the tokens');
    assert.equal(formatDocument(once.text, opts).text, once.text, 'formatting twice changed the text');
  })), params(4000));
});

test('fuzz: range formatting of any range never throws and stays inside the text', () => {
  fc.assert(fc.property(config, fc.nat(), fc.nat(), counted('range-format', (t: string, a: number, b: number) => {
    const s = Math.min(a, b) % (t.length + 1);
    const e = Math.min(Math.max(a, b), t.length);
    const r = formatText(t, { tabSize: 4, insertSpaces: true }, { start: s, end: Math.max(s, e) });
    for (const x of r.edits) assert.ok(0 <= x.start && x.start <= x.end && x.end <= t.length);
  })), params(2000));
});

test('fuzz: the log reader and line parsers never throw, on any line sequence', () => {
  fc.assert(fc.property(fc.array(logLine, { maxLength: 30 }), counted('log-reader', (lines: string[]) => {
    const reader = new LogReader({ formats: [COMBINED] });
    let n = 0;
    for (const l of lines) {
      n += reader.push(l).length;
      parseErrorText(l);
      parseAccessLine(l, [COMBINED]);
    }
    n += reader.end().length;
    assert.equal(reader.stats.lines, lines.length);
    assert.ok(n <= lines.length);
  })), params(4000));
});

test('fuzz: explaining any parsed log entry against any config never throws', () => {
  fc.assert(fc.property(config, fc.array(logLine, { maxLength: 10 }), counted('explain', (t: string, lines: string[]) => {
    const set = buildConfigSet(ROOT, { host: memoryHost(files(t)), catalog: defaultCatalog() });
    const ex = new Explainer(new Matcher(set, { hostname: 'fuzz' }));
    const reader = new LogReader();
    for (const e of [...lines.flatMap((l) => reader.push(l)), ...reader.end()]) {
      isUpstreamFailure(e);
      ex.explain(e);
    }
  })), params(1000));
});

test('fuzz: soup with real invalid UTF-8 decoded to replacement characters lexes, parses and formats', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), counted('bytes', (bytes: Uint8Array) => {
    const t = Buffer.from(bytes).toString('utf8');
    parse(makeSourceFile('/x.conf', t));
    formatDocument(t, { tabSize: 2, insertSpaces: true });
    const reader = new LogReader();
    reader.push(t);
    reader.end();
  })), params(4000));
});

test('fuzz: soup alone through the whole analysis', () => {
  fc.assert(fc.property(soup, counted('soup-analyze', (t: string) => {
    const fs = { [ROOT]: t };
    const a = analyze(ROOT, { host: memoryHost(fs), catalog: defaultCatalog() });
    assertInside(a.diagnostics, fs);
  })), params(2000));
});
