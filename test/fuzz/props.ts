// Checks shared by the fuzz properties (core.test.ts) and the fixed regression cases
// (regressions.test.ts): the snippet under test is included from a root config's http block.
import assert from 'node:assert/strict';
import { defaultCatalog, fixAll, makeSourceFile, parse, type Diagnostic } from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';

export const ROOT = '/etc/nginx/nginx.conf';
export const SNIPPET = '/etc/nginx/conf.d/site.conf';

export function files(text: string, extra = 'server { listen 81; }\n'): Record<string, string> {
  return { [ROOT]: `events {}\nhttp {\n  include conf.d/*.conf;\n}\n`, [SNIPPET]: text, '/etc/nginx/conf.d/other.conf': extra };
}

export function assertInside(list: readonly Diagnostic[], texts: Record<string, string>): void {
  for (const d of list) {
    const t = texts[d.file];
    assert.ok(t !== undefined, `diagnostic for an unknown file ${d.file}`);
    assert.ok(0 <= d.start && d.start <= d.end && d.end <= t.length, `${d.code} range ${d.start}-${d.end} outside 0-${t.length}`);
    for (const r of d.related ?? []) {
      const rt = texts[r.file];
      if (rt !== undefined) assert.ok(0 <= r.start && r.start <= r.end && r.end <= rt.length, `${d.code} related range outside`);
    }
    for (const f of d.fixes ?? []) {
      for (const e of f.edits) {
        const et = texts[e.file];
        assert.ok(et !== undefined, `${d.code} fix edits an unknown file ${e.file}`);
        assert.ok(0 <= e.start && e.start <= e.end && e.end <= et.length, `${d.code} fix edit ${e.start}-${e.end} outside 0-${et.length}`);
      }
    }
  }
}

export const syntaxCount = (t: string): number => parse(makeSourceFile('/x.conf', t)).problems.length;

/**
 * fixAll over the snippet: it does not throw, adds no syntax problems to any file, a second pass
 * changes nothing, and every range left after it lies inside its file. Returns the fixed texts.
 */
export function checkFixAll(text: string): Record<string, string> {
  const fs = files(text);
  const opts = { host: memoryHost(fs), catalog: defaultCatalog(), ruleOptions: { websocketReadTimeout: '3600s', checkLocalSockets: false } };
  const first = fixAll(ROOT, opts);
  const fixed = { ...fs, ...Object.fromEntries(first.changed) };
  for (const [file, t] of first.changed) {
    assert.ok(syntaxCount(t) <= syntaxCount(fs[file] ?? ''), `fix added syntax problems in ${file}:\n${t}`);
  }
  const second = fixAll(ROOT, { ...opts, host: memoryHost(fixed) });
  for (const [file, t] of second.changed) assert.equal(t, fixed[file], `second fix pass changed ${file}`);
  assertInside(second.remaining, fixed);
  return fixed;
}
