// Completion snippets made from catalog syntax lines: every directive of the catalog yields a
// well-formed LSP snippet (balanced placeholders, numbered from 1, escaped "$" and "}").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultCatalog, directiveSnippet } from '../../server/src/core/index';

/** Checks LSP snippet syntax: $n, ${n:text}, ${n|a,b|}, escapes; returns the placeholder numbers. */
function check(snippet: string): number[] {
  const nums: number[] = [];
  let depth = 0;
  for (let i = 0; i < snippet.length; i++) {
    const c = snippet[i]!;
    if (c === '\\') { i++; continue; }
    if (c === '$') {
      const m = /^\$(\d+)|^\$\{(\d+)([:|])/.exec(snippet.slice(i));
      assert.ok(m, `bad "$" at ${i} in ${JSON.stringify(snippet)}`);
      const n = Number(m[1] ?? m[2]);
      if (n) nums.push(n);
      if (m[2] !== undefined) {
        if (m[3] === '|') {
          const end = snippet.indexOf('|}', i);
          assert.ok(end > 0, `unclosed choice in ${JSON.stringify(snippet)}`);
          i = end + 1;
          continue;
        }
        depth++;
      }
      i += m[0].length - 1;
      continue;
    }
    if (c === '}') {
      if (depth > 0) depth--;
      else if (!/\{\n\t\$0\n\}$/.test(snippet.slice(0, i + 1)) && snippet[i - 1] !== '{') assert.fail(`unescaped "}" at ${i} in ${JSON.stringify(snippet)}`);
    }
  }
  assert.equal(depth, 0, `unbalanced placeholders in ${JSON.stringify(snippet)}`);
  return nums;
}

test('every catalog directive gives a well-formed snippet', () => {
  const catalog = defaultCatalog();
  let count = 0;
  for (const name of catalog.names()) {
    for (const r of catalog.records(name)) {
      const s = directiveSnippet(name, r.syntax?.[0], r.block, r.args);
      const nums = check(s);
      assert.deepEqual(nums, nums.map((_, i) => i + 1), `placeholders numbered in order: ${s}`);
      assert.ok(s.startsWith(name), s);
      assert.ok(r.block ? s.endsWith('{\n\t$0\n}') : s.endsWith(';$0'), s);
      count++;
    }
  }
  assert.ok(count > 1000);
});

test('snippets of typical syntax lines', () => {
  assert.equal(directiveSnippet('proxy_pass', 'proxy_pass URL;', false), 'proxy_pass ${1:URL};$0');
  assert.equal(directiveSnippet('gzip', 'gzip on | off;', false), 'gzip ${1|on,off|};$0');
  assert.equal(directiveSnippet('location', 'location [ = | ~ | ~* | ^~ ] uri { ... }', true), 'location ${1:uri} {\n\t$0\n}');
  assert.equal(directiveSnippet('listen', 'listen address[:port] [default_server] [ssl];', false), 'listen ${1:address};$0');
  assert.equal(directiveSnippet('map', 'map string $variable { ... }', true), 'map ${1:string} ${2:\\$variable} {\n\t$0\n}');
  assert.equal(directiveSnippet('error_page', 'error_page code ... [=[response]] uri;', false), 'error_page ${1:code} ${2:uri};$0');
  assert.equal(directiveSnippet('ip_hash', 'ip_hash;', false), 'ip_hash;$0');
  assert.equal(directiveSnippet('x_by_lua_block', undefined, true), 'x_by_lua_block {\n\t$0\n}');
});
