import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../server/src/core/index';

const kinds = (text: string): string[] => lex(text).tokens.map((t) => `${t.kind}:${t.value}`);

test('words end at white space, ";" and "{", but "}" inside a word belongs to it', () => {
  assert.deepEqual(kinds('return 200 ok};'), ['word:return', 'word:200', 'word:ok}', 'semicolon:;']);
  assert.deepEqual(kinds('location /a{'), ['word:location', 'word:/a', 'lbrace:{']);
});

test('"${" continues a word (variables and envsubst placeholders)', () => {
  assert.deepEqual(kinds('listen ${NGINX_PORT};'), ['word:listen', 'word:${NGINX_PORT}', 'semicolon:;']);
  assert.deepEqual(kinds('set $a ${b}c;'), ['word:set', 'word:$a', 'word:${b}c', 'semicolon:;']);
});

test('"#" starts a comment only at the start of a token', () => {
  assert.deepEqual(kinds('a b#c; # note\nd;'), ['word:a', 'word:b#c', 'semicolon:;', 'comment:# note', 'word:d', 'semicolon:;']);
});

test('quoted strings keep ";" "{" "}" and process escapes like nginx', () => {
  const t = lex(`add_header X "a;b{c}" 'it\\'s' "tab\\tq\\"";`).tokens;
  assert.deepEqual(t.map((x) => x.value), ['add_header', 'X', 'a;b{c}', "it's", 'tab\tq"', ';']);
  assert.equal(t[2]!.quote, '"');
  assert.equal(t[3]!.quote, "'");
});

test('backslash escapes in words keep unknown escapes (regexes)', () => {
  assert.deepEqual(kinds('location ~ \\.php$ {'), ['word:location', 'word:~', 'word:\\.php$', 'lbrace:{']);
  // nginx keeps the backslash of an escape it does not know, but "\\;" does not end the word.
  assert.deepEqual(kinds('a b\\;c;'), ['word:a', 'word:b\\;c', 'semicolon:;']);
});

test('a character glued to a closing quote is an error, ")" is allowed for if()', () => {
  assert.deepEqual(lex('a "x"y;').problems.map((p) => p.message), ['unexpected "y"']);
  assert.deepEqual(lex('if ($a = "b") { }').problems, []);
});

test('an unterminated quote reaches the end of the file', () => {
  const r = lex('a "b;\n}');
  assert.equal(r.problems[0]!.message, 'unexpected end of file, expecting ";" or "}"');
});

test('*_by_lua_block bodies are raw: braces in Lua strings and comments do not count', () => {
  const text = 'content_by_lua_block {\n  local t = { a = "}" } -- }\n  --[[ } ]] ngx.say([[}]])\n}\nx;';
  const r = lex(text);
  assert.deepEqual(r.tokens.map((t) => t.kind), ['word', 'lbrace', 'raw', 'rbrace', 'word', 'semicolon']);
  assert.match(r.tokens[2]!.value, /ngx\.say/);
  assert.deepEqual(r.problems, []);
});

test('CRLF, a BOM and non-ASCII text lex cleanly with exact offsets', () => {
  const text = '\uFEFFuser www;\r\n# Привет\r\nworker_processes 2;\r\n';
  const t = lex(text).tokens;
  assert.equal(t[0]!.value, 'user');
  assert.equal(t[0]!.start, 1);
  assert.equal(t[3]!.value, '# Привет');
  assert.equal(text.slice(t[4]!.start, t[4]!.end), 'worker_processes');
});
