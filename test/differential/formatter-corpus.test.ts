// Differential proof of the formatter. For every config of test/corpus/ (valid and invalid) and
// every test/fixtures/**/*.conf, with 4 spaces and with tabs:
//   - the parse tree is unchanged: directive names, arguments (value and quoting), nesting, raw
//     Lua bodies and the text of every comment;
//   - formatting the result again changes nothing;
//   - only files with syntax problems are refused.
// And real `nginx -t` gives the same verdict (and the same first fatal message, line numbers
// aside) on the formatted corpus as on the original: each corpus entry is copied, its config
// files are formatted, and both copies are staged into one prefix the way nginx-t-corpus stages
// the corpus (see ../helpers/nginx-oracle).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { REPO } from '../helpers/repo';
import { makePrefix, nginxBinary, nginxTest, removePrefix, stageConfig, type NginxResult } from '../helpers/nginx-oracle';
import { formatDocument, makeSourceFile, parse, type Directive, type FormatOptions } from '../../server/src/core/index';

const CORPUS = join(REPO, 'test', 'corpus');
const FIXTURES = join(REPO, 'test', 'fixtures');
const OPTIONS: FormatOptions[] = [{ tabSize: 4, insertSpaces: true }, { tabSize: 8, insertSpaces: false }];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return [];
    return st.isDirectory() ? filesUnder(p) : [p];
  });
}

/** Config files among the corpus files: what an nginx config would include. */
function isConfig(p: string): boolean {
  const name = basename(p);
  return /\.(conf|nginx)$/.test(name) || /_params$/.test(name) || name === 'mime.types' || /\/(sites-(enabled|available)|snippets)\/[^/.]+$/.test(p);
}

function tree(text: string): { problems: number; shape: unknown } {
  const f = parse(makeSourceFile('/x.conf', text));
  const shape = (list: Directive[]): unknown[] =>
    list.map((d) => [d.name, d.nameQuoted, d.args.map((a) => [a.value, a.quote ?? '']), d.terminator, d.block ? shape(d.block.children) : null, d.block?.raw?.text ?? null]);
  return { problems: f.problems.length, shape: { directives: shape(f.directives), comments: f.comments.map((c) => c.value.trimEnd()) } };
}

const CONFIGS = [...filesUnder(join(CORPUS, 'valid')), ...filesUnder(join(CORPUS, 'invalid'))].filter(isConfig);
const FIXTURE_CONFS = filesUnder(FIXTURES).filter((p) => p.endsWith('.conf'));

test('formatting keeps the parse tree and is idempotent on every corpus config and fixture', (t) => {
  const started = Date.now();
  const problems: string[] = [];
  let formatted = 0;
  let changed = 0;
  let refused = 0;
  for (const file of [...CONFIGS, ...FIXTURE_CONFS]) {
    const text = readFileSync(file, 'utf8');
    const before = tree(text);
    for (const o of OPTIONS) {
      const r = formatDocument(text, o);
      if (r.refused) {
        refused++;
        if (!before.problems) problems.push(`${relative(REPO, file)}: refused although it has no syntax problem: ${r.refused}`);
        continue;
      }
      formatted++;
      if (r.text !== text) changed++;
      if (JSON.stringify(tree(r.text)) !== JSON.stringify(before)) problems.push(`${relative(REPO, file)} (${JSON.stringify(o)}): the parse tree changed`);
      const again = formatDocument(r.text, o);
      if (again.text !== r.text) problems.push(`${relative(REPO, file)} (${JSON.stringify(o)}): a second pass changes the text`);
    }
  }
  t.diagnostic(`${CONFIGS.length + FIXTURE_CONFS.length} files x ${OPTIONS.length} option sets: ${formatted} formatted (${changed} changed), ${refused} refused (syntax problems) in ${Date.now() - started} ms`);
  assert.ok(CONFIGS.length > 200, `corpus configs found: ${CONFIGS.length}`);
  assert.ok(changed > 50, 'the corpus has plenty of files to reformat');
  assert.deepEqual(problems, []);
});

// ---------------------------------------------------------------------------------------------
// nginx -t on the original and the formatted corpus

interface Entry {
  name: string;
  source: string;
}

function entries(): Entry[] {
  const out: Entry[] = [];
  for (const kind of ['valid', 'invalid']) {
    const dir = join(CORPUS, kind);
    for (const name of readdirSync(dir).sort()) {
      const source = join(dir, name);
      if (lstatSync(source).isDirectory() ? existsSync(join(source, 'nginx.conf')) : name.endsWith('.conf')) out.push({ name: `${kind}-${name}`, source });
    }
  }
  return out;
}

let work: string | undefined;
let prefix: string | undefined;
after(() => {
  if (prefix) removePrefix(prefix);
  if (work) rmSync(work, { recursive: true, force: true });
});

function firstFatal(r: NginxResult): string {
  const m = r.messages.find((x) => ['emerg', 'alert', 'crit', 'error'].includes(x.level));
  if (!m) return '';
  // The message without paths of the staged copies and without line numbers.
  return m.text.replace(/\/\S*nginx-(oracle|fmt)-[^/\s]*\/[^\s"]*/g, '<path>').replace(/:\d+/g, ':N');
}

test('nginx -t gives the same verdict on the formatted corpus', (t) => {
  if (!nginxBinary()) throw new Error('nginx binary not found: the differential tier needs it (see nginx-t-corpus.test.ts)');
  const started = Date.now();
  work = mkdtempSync(join(tmpdir(), 'nginx-fmt-'));
  prefix = makePrefix();
  const list = entries();
  const mismatches: string[] = [];
  let reformatted = 0;
  let rejected = 0;
  for (const e of list) {
    const copy = join(work, e.name);
    cpSync(e.source, copy, { recursive: true, verbatimSymlinks: true });
    const files = lstatSync(copy).isDirectory() ? filesUnder(copy).filter(isConfig) : [copy];
    let changed = false;
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      // Tabs, so that nearly every file changes (the corpus is written with 4 spaces).
      const r = formatDocument(text, { tabSize: 2, insertSpaces: false });
      if (!r.refused && r.text !== text) {
        writeFileSync(f, r.text);
        changed = true;
      }
    }
    if (!changed) continue;
    reformatted++;
    const original = nginxTest(stageConfig(e.source, prefix, `orig-${e.name}`), prefix);
    const formatted = nginxTest(stageConfig(copy, prefix, `fmt-${e.name}`), prefix);
    if (!original.ok) rejected++;
    if (original.ok !== formatted.ok || firstFatal(original) !== firstFatal(formatted)) {
      mismatches.push(`${e.name}: nginx -t ${original.ok ? 'accepts' : 'rejects'} the original ("${firstFatal(original)}") but ${formatted.ok ? 'accepts' : 'rejects'} the formatted copy ("${firstFatal(formatted)}")`);
    }
  }
  t.diagnostic(`${list.length} corpus entries, ${reformatted} changed by the formatter and compared with nginx -t (${rejected} rejected by it, same first message) in ${Date.now() - started} ms`);
  assert.ok(reformatted > 200, `only ${reformatted} entries changed`);
  assert.deepEqual(mismatches, []);
});
