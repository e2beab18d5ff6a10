// Problems-panel messages (issue #17 item 13): the first sentence, up to ". ", "; " or "? ", says
// the mistake with the value that matters in at most 100 characters; the rest (advice, nginx's
// wording of the consequence) may follow. Checked on every diagnostic every rule gives on the
// rule fixtures. Exempt: messages that are nginx's own verbatim text with a path or several
// values in it (the structural rules use nginx's wording so users recognise it from nginx -t).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyze, defaultCatalog, RULES } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { FIXTURES } from '../helpers/repo';

const NGINX_VERBATIM = new Set(['upstream-buffers-invalid', 'proxy-pass-uri-in-regex-location', 'include-not-found', 'include-cycle']);

export function firstSentence(message: string): string {
  const i = message.search(/[.;?](\s|$)/);
  return i < 0 ? message : message.slice(0, i + 1);
}

test('first sentence of every rule message is at most 100 characters', () => {
  const dir = join(FIXTURES, 'rules');
  const long = new Map<string, string>();
  let seen = 0;
  for (const rule of readdirSync(dir)) {
    for (const f of readdirSync(join(dir, rule))) {
      const path = join(dir, rule, f);
      if (!f.endsWith('.conf') || !statSync(path).isFile()) continue;
      const a = analyze(path, { host: new DiskHost(), catalog: defaultCatalog(), rules: RULES, ruleOptions: { checkLocalSockets: true } });
      for (const d of a.diagnostics) {
        seen++;
        if (NGINX_VERBATIM.has(d.code)) continue;
        const first = firstSentence(d.message);
        if (first.length > 100) long.set(`${d.code}: ${first}`, f);
      }
    }
  }
  assert.ok(seen > 300, `only ${seen} diagnostics on the fixtures`);
  assert.deepEqual([...long.keys()], [], `first sentences over 100 characters:\n${[...long].map(([m, f]) => `  ${m} (${f})`).join('\n')}`);
});

test('firstSentence stops at the first ". ", "; " or "? "', () => {
  assert.equal(firstSentence('no port in upstream "php"; add the port'), 'no port in upstream "php";');
  assert.equal(firstSentence('a 1.1 b. c'), 'a 1.1 b.');
  assert.equal(firstSentence('did you mean "x"? then'), 'did you mean "x"?');
});
