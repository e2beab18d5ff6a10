// Every rule fixture judged by the real nginx (Debian's nginx -t): a fixture that expects an
// error must be rejected, and clean (*.ok.conf), fixed (*.fixed.conf) and warning-only fixtures
// must be accepted. Snippets are wrapped in the context they are analysed in. Fixtures nginx of
// this version cannot judge are skipped and counted: another nginx version in their options,
// envsubst placeholders, or a "# nginx-t: skip -- reason" line.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { defaultCatalog, isRootConfig, makeSourceFile, parse, snippetContext } from '../../server/src/core/index';
import { makePrefix, nginxBinary, nginxTest, nginxVersion, removePrefix } from '../helpers/nginx-oracle';
import { readExpectations } from '../helpers/annotations';
import { FIXTURES } from '../helpers/repo';

const RULES_DIR = join(FIXTURES, 'rules');
const HOST_ONLY = /^host not found in |^cannot load certificate|^mkdir\(\) ".*" failed|could not be resolved/;

function fixtureFiles(): string[] {
  return readdirSync(RULES_DIR).sort().flatMap((rule) => {
    const dir = join(RULES_DIR, rule);
    return readdirSync(dir).sort().filter((f) => f.endsWith('.conf') && statSync(join(dir, f)).isFile()).map((f) => join(dir, f));
  });
}

interface Verdict {
  expect: 'accept' | 'reject' | 'skip';
  why: string;
}

function expected(path: string, text: string, version: string): Verdict {
  const skip = /^#\s*nginx-t:\s*skip\s*--\s*(.+)$/m.exec(text);
  if (skip) return { expect: 'skip', why: skip[1]! };
  const opts = /^#\s*options:\s*(\{.*\})/m.exec(text);
  const wanted = opts ? (JSON.parse(opts[1]!) as { nginxVersion?: string }).nginxVersion : undefined;
  if (wanted && wanted.split('.').slice(0, 2).join('.') !== version.split('.').slice(0, 2).join('.')) return { expect: 'skip', why: `written for nginx ${wanted}` };
  if (/\$\{[A-Z_][A-Z0-9_]*\}|\{\{/.test(text.split('\n').filter((l) => !l.trim().startsWith('#')).join('\n'))) return { expect: 'skip', why: 'envsubst placeholders' };
  if (path.endsWith('.ok.conf') || path.endsWith('.fixed.conf')) return { expect: 'accept', why: 'clean or fixed fixture' };
  const errors = readExpectations(text).filter((e) => e.severity === 'error');
  return errors.length ? { expect: 'reject', why: `expects ${errors[0]!.code}` } : { expect: 'accept', why: 'warnings only' };
}

/** A config nginx can run: the fixture itself (events appended when missing), or a wrapper around a snippet. */
function runnable(path: string, text: string, prefix: string, n: number, isMissingEventsCase: boolean): string {
  const parsed = parse(makeSourceFile(path, text));
  const out = join(prefix, `fixture-${n}.conf`);
  if (isRootConfig(parsed)) {
    const hasEvents = parsed.directives.some((d) => d.name === 'events');
    writeFileSync(out, hasEvents || isMissingEventsCase ? text : `${text}\nevents {}\n`);
    return out;
  }
  const ctx = snippetContext(parsed, defaultCatalog()).context;
  const inc = `include ${path};`;
  const body =
    ctx === 'server' ? `http { server { listen 127.0.0.1:20999; ${inc} } }`
    : ctx === 'location' ? `http { server { listen 127.0.0.1:20999; location / { ${inc} } } }`
    : ctx === 'stream' ? `stream { ${inc} }`
    : ctx === 'stream_server' ? `stream { server { listen 127.0.0.1:20998; ${inc} } }`
    : ctx === 'upstream' ? `http { upstream u { ${inc} } }`
    : `http { ${inc} }`;
  writeFileSync(out, `events {}\n${body}\n`);
  return out;
}

let prefix: string | undefined;
after(() => {
  if (prefix) removePrefix(prefix);
});

test('rule fixtures get the verdict from nginx -t that their annotations claim', (t) => {
  assert.ok(nginxBinary(), 'nginx is not installed: run .ci/run (it installs Debian\'s nginx)');
  const version = nginxVersion() ?? '0.0.0';
  prefix = makePrefix();
  const problems: string[] = [];
  const counts = { accept: 0, reject: 0, skip: 0 };
  fixtureFiles().forEach((path, n) => {
    const text = readFileSync(path, 'utf8');
    const v = expected(path, text, version);
    counts[v.expect]++;
    if (v.expect === 'skip') return;
    const conf = runnable(path, text, prefix!, n, path.includes('/missing-events/'));
    const r = nginxTest(conf, prefix!);
    const first = r.messages.find((m) => m.level === 'emerg' || m.level === 'crit' || m.level === 'alert');
    // What only the host decides (DNS, certificate files, cache directories) is not ours to judge.
    if (!r.ok && first && HOST_ONLY.test(first.text)) {
      counts[v.expect]--;
      counts.skip++;
      return;
    }
    const got = r.ok ? 'accept' : 'reject';
    if (got !== v.expect) {
      problems.push(`${relative(FIXTURES, path)}: expected nginx to ${v.expect} (${v.why}) but it ${got}s${first ? `: ${first.text}${first.line ? ` (line ${first.line})` : ''}` : ''}`);
    }
  });
  t.diagnostic(`fixtures: ${counts.accept} to accept, ${counts.reject} to reject, ${counts.skip} skipped (another nginx version, templates, or what only the host decides: DNS, certificate files, cache directories)`);
  assert.ok(counts.accept + counts.reject >= 200, `only ${counts.accept + counts.reject} fixtures judged`);
  assert.equal(problems.length, 0, `${problems.length} fixture(s) where nginx disagrees:\n  ${problems.join('\n  ')}`);
});

// A folder fixture (name/nginx.conf with the snippets it includes) fixed by its rule is judged in
// place, so its includes resolve against its own folder as nginx's conf prefix.
test('fixed folder fixtures (name/nginx.fixed.conf, with their snippets) are accepted by nginx -t', () => {
  assert.ok(nginxBinary(), 'nginx is not installed: run .ci/run (it installs Debian\'s nginx)');
  const own = makePrefix();
  try {
    const fixed = readdirSync(RULES_DIR).sort().flatMap((rule) =>
      readdirSync(join(RULES_DIR, rule)).sort().map((f) => join(RULES_DIR, rule, f, 'nginx.fixed.conf')).filter((p) => existsSync(p)));
    const problems = fixed.flatMap((path) => {
      const r = nginxTest(path, own);
      return r.ok ? [] : [`${relative(FIXTURES, path)}: ${r.raw.trim()}`];
    });
    assert.ok(fixed.length >= 2, `only ${fixed.length} fixed folder fixtures`);
    assert.deepEqual(problems, []);
  } finally {
    removePrefix(own);
  }
});

test('the rule fixture folder exists', () => {
  assert.ok(existsSync(RULES_DIR));
});
