// A fix's title says everything the fix writes (issue #18: "a fix that adds more than its title
// says must say so in its title"). For every quick fix of every rule fixture, each directive the
// fix's edits write must be named in its title: a directive by its name, a header line by its
// header name (or, for the dropped-headers fix, by the count of dropped headers it names), an
// include by "include <path>", a block (the $connection_upgrade map) by its name. Edits that only
// change a value ("https" -> "http", "close" -> "") write no directive and are not judged here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Fix } from '../../server/src/core/index';
import { DiskHost } from '../../server/src/host/disk-host';
import { FIXTURES } from '../helpers/repo';
import { analyzeOneRule } from './run-rule';

const RULES_DIR = join(FIXTURES, 'rules');
const HEADER_LISTS = new Set(['proxy_set_header', 'grpc_set_header', 'fastcgi_param', 'uwsgi_param', 'scgi_param']);

/** The directives an edit's text writes, as [name, first argument]: only the text outside a block it opens. */
export function writtenDirectives(newText: string): [string, string][] {
  if (!newText.includes(';') && !newText.includes('{')) return [];
  const out: [string, string][] = [];
  let depth = 0;
  for (const raw of newText.split(/\r?\n/)) {
    for (const stmt of raw.replace(/#.*$/, '').split(';')) {
      const t = stmt.trim();
      if (!t) continue;
      if (t === '}') {
        depth--;
        continue;
      }
      if (depth === 0) {
        const [name, arg] = t.split(/\s+/);
        out.push([name!, (arg ?? '').replace(/^"|"$/g, '')]);
      }
      if (t.endsWith('{')) depth++;
    }
  }
  return out;
}

/** What the title misses: one entry per directive written but not named. */
export function unnamed(fix: Fix): string[] {
  const missing: string[] = [];
  for (const e of fix.edits) {
    for (const [name, arg] of writtenDirectives(e.newText)) {
      const named =
        name === 'include' ? fix.title.includes(`include ${arg}`)
        : HEADER_LISTS.has(name) ? fix.title.includes(arg) || /\bdropped headers?\b/.test(fix.title)
        : fix.title.includes(name);
      if (!named) missing.push(`${name} ${arg}`.trim());
    }
  }
  return missing;
}

function roots(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return existsSync(join(p, 'nginx.conf')) ? [join(p, 'nginx.conf')] : [];
    return name.endsWith('.conf') && !name.endsWith('.fixed.conf') && !name.endsWith('.ok.conf') ? [p] : [];
  });
}

test('the title check itself: a directive the title does not name is caught', () => {
  const fix = (title: string, newText: string): Fix => ({ title, edits: [{ file: 'x', start: 0, end: 0, newText }] });
  assert.deepEqual(unnamed(fix('Raise proxy_read_timeout to 3600s', '    proxy_read_timeout 3600s;\n    proxy_send_timeout 3600s;\n')), ['proxy_send_timeout 3600s']);
  assert.deepEqual(unnamed(fix('Add proxy_set_header Connection ""', '    include snippets/h.conf;\n    proxy_set_header Connection "";\n')), ['include snippets/h.conf']);
  assert.deepEqual(unnamed(fix('Add Upgrade for WebSocket', 'map $http_upgrade $connection_upgrade {\n    default upgrade;\n    \'\' "";\n}\n')), ['map $http_upgrade']);
  assert.deepEqual(unnamed(fix('Use http://', 'http')), []);
});

test('every quick fix of the rule fixtures names everything it writes in its title', () => {
  const problems: string[] = [];
  let judged = 0;
  for (const ruleId of readdirSync(RULES_DIR).sort()) {
    for (const root of roots(join(RULES_DIR, ruleId))) {
      const text = readFileSync(root, 'utf8');
      const version = /^#\s*options:\s*(\{.*\})\s*$/m.exec(text);
      const nginxVersion = version ? ((JSON.parse(version[1]!) as { nginxVersion?: string }).nginxVersion ?? null) : null;
      const analysis = analyzeOneRule(ruleId, root, { host: new DiskHost(), text, nginxVersion });
      for (const d of analysis.diagnostics.filter((x) => x.code === ruleId)) {
        for (const fix of d.fixes ?? []) {
          if (fix.title.startsWith('Disable ')) continue;
          judged++;
          const missing = unnamed(fix);
          if (missing.length) problems.push(`${root.slice(RULES_DIR.length + 1)}: "${fix.title}" also writes ${missing.join(', ')}`);
        }
      }
    }
  }
  assert.ok(judged > 30, `only ${judged} fixes judged`);
  assert.deepEqual(problems, []);
});
