// Runs every annotated fixture under test/fixtures/rules/<rule-id>/ with only that rule (plus
// syntax errors) and asserts that every finding is annotated and every annotation is found.
// Files named *.ok.conf must produce nothing. A meta-test checks that every rule has fixtures
// and a docs page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, type Analysis, type Diagnostic } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { readExpectations, stripAnnotations, type Expectation } from '../helpers/annotations';
import { memoryHost } from '../helpers/memory-host';
import { FIXTURES, REPO } from '../helpers/repo';
import { analyzeOneRule, fixOneRule, type RunOptions } from './run-rule';

const RULES_DIR = join(FIXTURES, 'rules');

interface Options {
  nginxVersion?: string;
  limits?: RunOptions['limits'];
  /** Rule options a setting gives (nginxDoctor.stableHostnames ...). */
  stableHostnames?: string[];
}

function optionsOf(text: string): Options {
  const m = /^#\s*options:\s*(\{.*\})\s*$/m.exec(text);
  return m ? (JSON.parse(m[1]!) as Options) : {};
}

/** A fixture as its `# options:` line says (the nginx version, include limits), from disk or the given text. */
function runOptions(text: string, host: RunOptions['host'] = new DiskHost(), nginxVersion?: string): RunOptions {
  const { limits, stableHostnames } = optionsOf(text);
  return { host, text, nginxVersion: nginxVersion ?? optionsOf(text).nginxVersion ?? null, ...(limits ? { limits } : {}), ...(stableHostnames ? { ruleOptions: { stableHostnames } } : {}) };
}

function run(ruleId: string, root: string, nginxVersion?: string): Analysis {
  return analyzeOneRule(ruleId, root, runOptions(readFileSync(root, 'utf8'), undefined, nginxVersion));
}

/** name.conf + name.fixed.conf: the rule's preferred fixes turn one into the other, and a second pass changes nothing. */
function checkFixed(ruleId: string, root: string, fixedPath: string): void {
  const text = readFileSync(root, 'utf8');
  const result = fixOneRule(ruleId, root, runOptions(text));
  const after = stripAnnotations(result.changed.get(root) ?? text);
  assert.equal(after, readFileSync(fixedPath, 'utf8'), `applying the fixes of ${root}`);
  assert.ok(result.applied > 0, 'at least one fix applied');
  const again = fixOneRule(ruleId, root, runOptions(after, memoryHost({ [root]: after })));
  assert.equal(again.applied, 0, `a second pass applies nothing, but applied ${again.applied} fix(es)`);
  assert.deepEqual(again.remaining.filter((d) => d.code === ruleId && d.fixes?.some((f) => f.isPreferred)).map((d) => d.message), []);
}

function describe(e: { line: number; column: number; severity: string; code: string; message: string }): string {
  return `${e.line + 1}:${e.column + 1} ${e.severity}[${e.code}]: ${e.message}`;
}

function check(ruleId: string, root: string, mustBeClean: boolean): void {
  const analysis = run(ruleId, root);
  const problems: string[] = [];
  for (const [path, file] of analysis.set.files) {
    const expected: Expectation[] = mustBeClean ? [] : readExpectations(file.source.text);
    const actual = analysis.diagnostics.filter((d) => d.file === path).map((d) => {
      const s = file.source.lines.positionAt(d.start);
      const e = file.source.lines.positionAt(d.end);
      return { line: s.line, column: s.character, endLine: e.line, endColumn: e.character, severity: d.severity, code: d.code, message: d.message };
    });
    const unmatched = [...actual];
    for (const exp of expected) {
      const i = unmatched.findIndex(
        (a) =>
          a.line === exp.line && a.column === exp.column && a.code === exp.code && a.severity === exp.severity &&
          (exp.prefix ? a.message.startsWith(exp.message) : a.message === exp.message) &&
          (exp.endColumn === undefined || (a.endLine === a.line && a.endColumn === exp.endColumn)),
      );
      if (i >= 0) unmatched.splice(i, 1);
      else problems.push(`${path}: expected but not reported: ${describe(exp)}${exp.endColumn !== undefined ? ` (to column ${exp.endColumn + 1})` : ''}`);
    }
    for (const a of unmatched) problems.push(`${path}: reported but not expected: ${describe(a)} (to ${a.endLine + 1}:${a.endColumn + 1})`);
  }
  assert.deepEqual(problems, [], problems.join('\n'));
}

function casesOf(dir: string): { name: string; root: string; clean: boolean }[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      const root = join(p, 'nginx.conf');
      return existsSync(root) ? [{ name, root, clean: name.endsWith('.ok') }] : [];
    }
    if (!name.endsWith('.conf') || name.endsWith('.fixed.conf')) return [];
    return [{ name, root: p, clean: name.endsWith('.ok.conf') }];
  });
}

const ruleDirs = existsSync(RULES_DIR) ? readdirSync(RULES_DIR).sort() : [];

for (const ruleId of ruleDirs) {
  for (const c of casesOf(join(RULES_DIR, ruleId))) {
    test(`rule ${ruleId}: ${c.name}`, () => check(ruleId, c.root, c.clean));
    const fixed = c.root.replace(/\.conf$/, '.fixed.conf');
    if (!c.clean && c.root !== fixed && existsSync(fixed)) test(`rule ${ruleId}: ${c.name} is fixed`, () => checkFixed(ruleId, c.root, fixed));
  }
}

test('every rule has positive and clean fixtures and a docs page', () => {
  const missing: string[] = [];
  for (const rule of RULES) {
    const dir = join(RULES_DIR, rule.id);
    const cases = existsSync(dir) ? casesOf(dir) : [];
    if (!cases.some((c) => !c.clean)) missing.push(`${rule.id}: no positive fixture in test/fixtures/rules/${rule.id}/`);
    if (!cases.some((c) => c.clean)) missing.push(`${rule.id}: no *.ok.conf fixture`);
    const annotated = (c: { root: string }): boolean => c.root.endsWith('/nginx.conf') || readExpectations(readFileSync(c.root, 'utf8')).length > 0;
    if (!cases.filter((c) => !c.clean).some(annotated)) {
      missing.push(`${rule.id}: positive fixtures have no annotations`);
    }
    if (!existsSync(join(REPO, 'docs', 'rules', `${rule.id}.md`))) missing.push(`${rule.id}: no docs/rules/${rule.id}.md`);
    if (!rule.summary) missing.push(`${rule.id}: no summary`);
  }
  for (const dir of ruleDirs) if (!RULES.some((r) => r.id === dir)) missing.push(`fixture folder ${dir} has no registered rule`);
  for (const file of readdirSync(join(REPO, 'server', 'src', 'core', 'checks', 'rules'))) {
    const id = file.replace(/\.ts$/, '');
    if (file.endsWith('.ts') && !RULES.some((r) => r.id === id)) missing.push(`server/src/core/checks/rules/${file} is not registered in checks/registry.ts`);
  }
  assert.deepEqual(missing, []);
});

/** Every finding of a rule's positive fixtures (at the fixture's own version, or the one given). */
function findings(ruleId: string, nginxVersion?: string): Diagnostic[] {
  const dir = join(RULES_DIR, ruleId);
  const cases = existsSync(dir) ? casesOf(dir).filter((c) => !c.clean) : [];
  return cases.flatMap((c) => run(ruleId, c.root, nginxVersion).diagnostics.filter((d) => d.code === ruleId));
}

// The metadata docs/rules/README.md and the settings schema are generated from, held to the fixtures.
test('rule metadata agrees with the fixtures: severities, quick fixes, versions', () => {
  const wrong: string[] = [];
  for (const rule of RULES) {
    const found = findings(rule.id);
    const other = [...new Set(found.map((d) => d.severity).filter((s) => s !== rule.severity))];
    if (other.length && !rule.severityNote) wrong.push(`${rule.id}: reports ${other.join(', ')} besides ${rule.severity}, but has no severityNote`);
    if (rule.severityNote && !other.length) wrong.push(`${rule.id}: has a severityNote, but every finding of its fixtures is ${rule.severity}`);
    const withFix = found.filter((d) => d.fixes?.length).length;
    const preferred = found.filter((d) => d.fixes?.some((f) => f.isPreferred)).length;
    const fixedTwins = existsSync(join(RULES_DIR, rule.id)) && readdirSync(join(RULES_DIR, rule.id)).some((n) => n.endsWith('.fixed.conf'));
    if (rule.fix === 'none' && withFix) wrong.push(`${rule.id}: fix 'none', but ${withFix} fixture finding(s) have a fix`);
    if (rule.fix === 'editor' && (!withFix || preferred)) wrong.push(`${rule.id}: fix 'editor', but ${preferred ? `${preferred} finding(s) have a preferred fix (Fix all applies it)` : 'no fixture finding has a fix'}`);
    if (rule.fix === 'all' && (!preferred || !fixedTwins)) wrong.push(`${rule.id}: fix 'all', but ${preferred ? 'no *.fixed.conf fixture proves it' : 'no fixture finding has a preferred fix'}`);
    const before = rule.versions?.before;
    if (before) {
      const late = findings(rule.id, before);
      if (late.length) wrong.push(`${rule.id}: versions.before ${before}, but nginx ${before} still gets: ${late[0]!.message}`);
    }
  }
  assert.deepEqual(wrong, []);
});
