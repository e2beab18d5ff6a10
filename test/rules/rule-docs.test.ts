// The rule docs cannot drift from the rules: docs/rules/README.md and the `nginxDoctor.rules`
// settings schema in package.json are what the registry renders (scripts/gen-rule-docs.mjs
// writes them), every page states the rule's default severity and quick fix as the registry
// does, and every page's example runs as a fixture (as biome's rule docs do): the first block
// under "## Example" must get a finding of the rule, the block after "Fixed" none, and for a
// rule whose fix Fix all applies, fixing the example must give a text that contains the fixed
// block ("# ..." lines in it stand for lines left out). The fence may name paths that exist on
// the machine the example is about, for the rules that look (```nginx exists=/run/php.sock), and
// lower the include caps so a few files reach them (```nginx limits=globMatches:3). A block made of "# path/name.conf" sections is a set of files (the first one is read,
// the others are there to be included); any other block is one file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES, type Diagnostic, type Rule } from '../../server/src/core/index';
import { rulesReadme, rulesSettingSchema, severityText } from '../../server/src/core/checks/rule-docs';
import { memoryHost } from '../helpers/memory-host';
import { REPO } from '../helpers/repo';
import { analyzeOneRule, fixOneRule, type RunOptions } from './run-rule';

const DOCS = join(REPO, 'docs', 'rules');
const REGENERATE = 'run "node scripts/gen-rule-docs.mjs" after changing a rule';

test('docs/rules/README.md is generated from the registry', () => {
  assert.equal(readFileSync(join(DOCS, 'README.md'), 'utf8'), rulesReadme(RULES), REGENERATE);
});

test('the nginxDoctor.rules settings schema in package.json is generated from the registry', () => {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, unknown> } } };
  assert.deepEqual(pkg.contributes.configuration.properties['nginxDoctor.rules'], rulesSettingSchema(RULES), REGENERATE);
});

interface Block {
  text: string;
  /** Paths the fence says exist (sockets). */
  exists: string[];
  /** Include caps the fence lowers (include-limit). */
  limits?: RunOptions['limits'];
}

interface Page {
  text: string;
  example: Block;
  fixed: Block;
}

function section(text: string, heading: string): string | null {
  const at = text.indexOf(`\n## ${heading}\n`);
  if (at < 0) return null;
  const next = text.indexOf('\n## ', at + 1);
  return text.slice(at, next < 0 ? undefined : next);
}

function blocks(text: string): Block[] {
  return [...text.matchAll(/^```nginx( [^\n]*)?\n([\s\S]*?)^```$/gm)].map((m) => ({
    text: m[2]!,
    exists: /\bexists=(\S+)/.exec(m[1] ?? '')?.[1]!.split(',') ?? [],
    ...limitsOf(/\blimits=(\S+)/.exec(m[1] ?? '')?.[1]),
  }));
}

function limitsOf(spec: string | undefined): { limits?: RunOptions['limits'] } {
  if (!spec) return {};
  return { limits: Object.fromEntries(spec.split(',').map((kv) => kv.split(':')).map(([k, v]) => [k, Number(v)])) };
}

function readPage(rule: Rule): Page {
  const text = readFileSync(join(DOCS, `${rule.id}.md`), 'utf8');
  const example = section(text, 'Example');
  assert.ok(example, `docs/rules/${rule.id}.md has no "## Example" section`);
  const at = example.search(/^Fixed\b/m);
  assert.ok(at >= 0, `docs/rules/${rule.id}.md: the example has no "Fixed" part`);
  const bad = blocks(example.slice(0, at));
  const good = blocks(example.slice(at));
  assert.equal(bad.length, 1, `docs/rules/${rule.id}.md: one nginx block before "Fixed"`);
  assert.equal(good.length, 1, `docs/rules/${rule.id}.md: one nginx block after "Fixed"`);
  return { text, example: bad[0]!, fixed: good[0]! };
}

const DIR = '/docs-example';
/** "# conf.d/app.conf" (under the example's conf dir) or "# /etc/nginx/win-utf" on a line of its own. */
const FILE_HEADER = /^# ((?:[\w.-]+\/)*[\w.-]+\.conf|\/[\w.\/-]+)\n/gm;

/** A block as files: "# conf.d/a.conf" sections, or one file. The first is the one analysed. */
function filesOf(block: string): { root: string; files: Record<string, string> } {
  const headers = [...block.matchAll(FILE_HEADER)];
  if (!headers.length || headers[0]!.index !== 0) return { root: `${DIR}/example.conf`, files: { [`${DIR}/example.conf`]: block } };
  const files: Record<string, string> = {};
  const pathOf = (name: string): string => (name.startsWith('/') ? name : `${DIR}/${name}`);
  headers.forEach((h, i) => {
    const path = pathOf(h[1]!);
    files[path] = (files[path] ?? '') + block.slice(h.index! + h[0].length, headers[i + 1]?.index ?? block.length);
  });
  return { root: pathOf(headers[0]![1]!), files };
}

/** The block's files, and the paths its fence says exist on that machine. */
function hostOf(block: Block, files: Record<string, string>): RunOptions['host'] {
  const host = memoryHost(files);
  return { ...host, exists: (p) => p in files || host.isDirectory(p) || block.exists.includes(p) };
}

function runBlock(rule: Rule, block: Block): { mine: Diagnostic[]; syntax: Diagnostic[]; root: string; host: RunOptions['host'] } {
  const { root, files } = filesOf(block.text);
  const o: RunOptions = { host: hostOf(block, files), confDir: DIR, ...(block.limits ? { limits: block.limits } : {}) };
  const all = analyzeOneRule(rule.id, root, o).diagnostics;
  return { mine: all.filter((d) => d.code === rule.id), syntax: all.filter((d) => d.code === 'syntax' && rule.id !== 'syntax'), root, host: o.host };
}

const show = (ds: Diagnostic[]): string => ds.map((d) => `${d.code}: ${d.message}`).join('; ');
/** Lines without their indentation and trailing blanks, to compare a fixed excerpt with a whole fixed file. */
const lines = (s: string): string => s.split('\n').map((l) => l.trim()).join('\n').trim();

for (const rule of RULES) {
  test(`docs/rules/${rule.id}.md states the rule's metadata`, () => {
    const page = readPage(rule);
    assert.match(page.text, new RegExp(`^# ${rule.id}\n`), 'the title is the rule id');
    const stated = /^Default severity: (.*)\.$/m.exec(page.text)?.[1];
    assert.equal(stated, severityText(rule), 'the "Default severity:" line');
    const quick = section(page.text, 'The quick fix');
    if (rule.fix === 'none') assert.ok(!quick || /^\n## The quick fix\n\nNone\b/.test(quick), 'a rule without fixes has "## How to fix", or "## The quick fix" saying None');
    else assert.ok(quick && !/^\n## The quick fix\n\nNone\b/.test(quick), 'a rule with a quick fix describes it under "## The quick fix"');
    if (rule.versions?.before) assert.ok(section(page.text, 'Version'), `a "## Version" section says what changes in ${rule.versions.before}`);
  });

  test(`docs/rules/${rule.id}.md: the example is reported, the fixed version is not`, () => {
    const page = readPage(rule);
    const bad = runBlock(rule, page.example);
    assert.ok(bad.mine.length > 0, `the example gets no ${rule.id} finding${bad.syntax.length ? ` (syntax: ${show(bad.syntax)})` : ''}`);
    assert.deepEqual(show(bad.syntax), '', 'the example has no syntax error besides the point it makes');
    const good = runBlock(rule, page.fixed);
    assert.deepEqual(show([...good.mine, ...good.syntax]), '', 'the fixed version gets no finding');
    if (rule.fix !== 'all') return;
    const fixed = fixOneRule(rule.id, bad.root, { host: bad.host, confDir: DIR });
    const after = [...fixed.changed.values()].map(lines).join('\n');
    // "# ..." in the fixed block stands for lines left out; the parts must come in this order
    let from = 0;
    for (const part of page.fixed.text.split(/^\s*# \.\.\.\n/m).map(lines).filter(Boolean)) {
      const at = after.indexOf(part, from);
      assert.ok(at >= 0, `the quick fix of the example gives:\n${[...fixed.changed.values()].join('\n')}\nwhich does not contain this part of the fixed block:\n${part}`);
      from = at + part.length;
    }
  });
}
