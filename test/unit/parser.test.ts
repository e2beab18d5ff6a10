import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeSourceFile, parse, walk, type Directive } from '../../server/src/core/index';

const p = (text: string) => parse(makeSourceFile('/t.conf', text));
const names = (ds: Directive[]): string[] => [...walk(ds)].map((d) => d.name);

test('builds nested blocks with exact ranges', () => {
  const text = 'http {\n  server { listen 80; }\n}\n';
  const r = p(text);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(names(r.directives), ['http', 'server', 'listen']);
  const http = r.directives[0]!;
  assert.equal(text.slice(http.start, http.end), 'http {\n  server { listen 80; }\n}');
  const listen = http.block!.children[0]!.block!.children[0]!;
  assert.equal(text.slice(listen.nameStart, listen.nameEnd), 'listen');
  assert.equal(listen.parent?.name, 'server');
  assert.deepEqual(listen.args.map((a) => a.value), ['80']);
});

test('a missing ";" before "}" is reported at the "}" and the directive is kept', () => {
  const r = p('http {\n  gzip on\n}\n');
  assert.deepEqual(r.problems.map((x) => x.message), ['unexpected "}"']);
  assert.equal(r.problems[0]!.start, 'http {\n  gzip on\n}'.length - 1);
  assert.deepEqual(names(r.directives), ['http', 'gzip']);
});

test('the end of the file inside a block, and a stray "}"', () => {
  assert.deepEqual(p('http {\n  server {\n').problems.map((x) => x.message), ['unexpected end of file, expecting "}"']);
  assert.deepEqual(p('a;\n}\nb;').problems.map((x) => x.message), ['unexpected "}"']);
  assert.deepEqual(p('a b').problems.map((x) => x.message), ['unexpected end of file, expecting ";" or "}"']);
});

test('"{" and ";" without a directive are errors, and parsing goes on', () => {
  const r = p('{ a; }\n;\nb;');
  assert.deepEqual(r.problems.map((x) => x.message), ['unexpected "{"', 'unexpected ";"']);
  assert.deepEqual(names(r.directives), ['a', 'b']);
});

test('if conditions, map bodies and lua blocks parse', () => {
  // As in nginx, a regex with "{" must be quoted, or the "{" opens a block.
  assert.equal(p('map $uri $x { ~^/a{3}$ 1; }').problems.length, 1);
  const r = p(`map $uri $x {\n  default 0;\n  "~^/a{3}$" 1;\n}\nif ($request_method = POST) { return 405; }\naccess_by_lua_block { if x then y() end }\n`);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.directives.map((d) => d.name), ['map', 'if', 'access_by_lua_block']);
  assert.deepEqual(r.directives[1]!.args.map((a) => a.value), ['($request_method', '=', 'POST)']);
  assert.match(r.directives[2]!.block!.raw!.text, /if x then y\(\) end/);
});

test('comments are collected and never become directives', () => {
  const r = p('# a\nhttp { # b\n}\n');
  assert.deepEqual(r.comments.map((c) => c.value), ['# a', '# b']);
  assert.deepEqual(names(r.directives), ['http']);
});

test('the parser never throws on garbage', () => {
  const junk = ['}}}{{{', '"', "'", '\\', '{;}', 'a "b\\', '\u0000\uFFFD', 'x { y { z', '};{'];
  for (const j of junk) assert.doesNotThrow(() => p(j));
});
