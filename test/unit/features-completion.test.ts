// Completion in the core while a statement is still being typed: the context comes from the
// enclosing blocks even when the file does not parse cleanly yet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete, defaultCatalog, makeSourceFile, parse, type BlockKind } from '../../server/src/core/index';

function labels(src: string, top: BlockKind = 'main', snippets = true): { labels: string[]; first: ReturnType<typeof complete>[number] | undefined } {
  const offset = src.indexOf('|');
  const text = src.slice(0, offset) + src.slice(offset + 1);
  const entries = complete({ file: parse(makeSourceFile('/x.conf', text)), offset, topContext: top, catalog: defaultCatalog(), version: null, snippets, models: [] });
  return { labels: entries.map((e) => e.label), first: entries[0] };
}

test('context from the enclosing blocks of an unfinished file', () => {
  const loc = labels('http {\n  server {\n    location / {\n      prox|');
  assert.ok(loc.labels.includes('proxy_pass') && !loc.labels.includes('listen'));
  const ifLoc = labels('http { server { location / { if ($x) {\n  |\n} } } }');
  assert.ok(ifLoc.labels.includes('return') && ifLoc.labels.includes('proxy_pass') && !ifLoc.labels.includes('server_name'));
  const stream = labels('stream {\n  server {\n    |\n  }\n}\n');
  assert.ok(stream.labels.includes('proxy_pass') && stream.labels.includes('listen'));
  assert.ok(!stream.labels.includes('proxy_set_header'), 'an http directive');
  const top = labels('|', 'main');
  assert.ok(top.labels.includes('http') && top.labels.includes('worker_processes') && !top.labels.includes('server'));
  const snippet = labels('|', 'server');
  assert.ok(snippet.labels.includes('location') && snippet.labels.includes('server_name'));
});

test('a name typed on a line above another statement gets the full snippet (the next line is not its arguments)', () => {
  const r = labels('server {\n  lis|\n  root /x;\n}\n', 'http');
  const listen = complete({ file: parse(makeSourceFile('/x.conf', 'server {\n  lis\n  root /x;\n}\n')), offset: 14, topContext: 'http', catalog: defaultCatalog(), version: null, snippets: true, models: [] }).find((e) => e.label === 'listen')!;
  assert.ok(r.labels.includes('listen'));
  assert.equal(listen.insertText, 'listen ${1:address};$0');
  assert.deepEqual([listen.start, listen.end], [11, 14]);
});

test('map bodies offer their keywords, Lua bodies and comments nothing', () => {
  assert.deepEqual(labels('http { map $a $b {\n  |\n} }').labels, ['default', 'hostnames', 'include', 'volatile']);
  assert.deepEqual(labels('http { server { location / { content_by_lua_block { | } } } }').labels, []);
  assert.deepEqual(labels('http { # |\n}').labels, []);
});
