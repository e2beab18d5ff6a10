// The TextMate grammar (syntaxes/nginx.tmLanguage.json): the scope assertions of test/grammar/
// through vscode-tmgrammar-test (also `npm run test:grammar`), and a robustness check over every
// config of the corpus and the fixtures with the same engine VS Code uses (vscode-textmate, which
// vscode-tmgrammar-test brings): a file whose braces balance must end with every grammar block
// closed, so no begin/end rule runs away (as "} # managed by Certbot" or a quoted "{3}" made
// other grammars do).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/repo';
import { makeSourceFile, parse } from '../../server/src/core/index';

const GRAMMAR = join(REPO, 'syntaxes', 'nginx.tmLanguage.json');
const LUA = join(REPO, 'test', 'grammar', 'lua.tmLanguage.json');
const TESTS = join(REPO, 'test', 'grammar');

test('grammar scope assertions (vscode-tmgrammar-test)', () => {
  const bin = join(REPO, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
  assert.ok(existsSync(bin), 'vscode-tmgrammar-test is not installed (npm ci)');
  const files = readdirSync(TESTS).filter((f) => f.endsWith('.test.nginx'));
  assert.ok(files.length >= 3);
  const r = spawnSync(process.execPath, [bin, '-g', LUA, 'test/grammar/**/*.test.nginx'], { cwd: REPO, encoding: 'utf8', timeout: 60_000 });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, out);
  assert.equal((out.match(/✓/g) ?? []).length, files.length, out);
});

interface Textmate {
  Registry: new (o: unknown) => { loadGrammar(scope: string): Promise<{ tokenizeLine(line: string, stack: unknown): { ruleStack: { depth: number } } } | null> };
  INITIAL: unknown;
  parseRawGrammar(text: string, path: string): unknown;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).sort().flatMap((e) => {
    const p = join(dir, e);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) return [];
    return st.isDirectory() ? filesUnder(p) : p.endsWith('.conf') ? [p] : [];
  });
}

test('every balanced corpus config and fixture ends with all grammar blocks closed', async (t) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tm = require('vscode-textmate') as Textmate;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const onig = require('vscode-oniguruma') as { loadWASM(b: ArrayBuffer): Promise<void>; OnigScanner: new (p: string[]) => unknown; OnigString: new (s: string) => unknown };
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => {
      const p = scope === 'source.nginx' ? GRAMMAR : scope === 'source.lua' ? LUA : null;
      return p ? tm.parseRawGrammar(readFileSync(p, 'utf8'), p) : null;
    },
  });
  const grammar = (await registry.loadGrammar('source.nginx'))!;
  const files = [...filesUnder(join(REPO, 'test', 'corpus')), ...filesUnder(join(REPO, 'test', 'fixtures'))];
  const started = Date.now();
  const open: string[] = [];
  let checked = 0;
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    // Only files nginx's own reading would find balanced (no syntax problem) must close cleanly.
    if (parse(makeSourceFile(f, text)).problems.length) continue;
    let stack: unknown = tm.INITIAL;
    let depth = 1;
    for (const line of text.split(/\r\n|\r|\n/)) {
      const r = grammar.tokenizeLine(line, stack);
      stack = r.ruleStack;
      depth = r.ruleStack.depth;
    }
    checked++;
    // Depth 1: only the grammar's root rule is left on the stack.
    if (depth !== 1) open.push(`${f.slice(REPO.length + 1)} (depth ${depth})`);
  }
  t.diagnostic(`${checked} files tokenized in ${Date.now() - started} ms`);
  assert.ok(checked > 500);
  assert.deepEqual(open, []);
});
