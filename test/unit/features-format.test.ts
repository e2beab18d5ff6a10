// The core formatter on the cases that matter: what it changes, what it must keep byte for byte,
// the options, refusal on syntax problems, range formatting, and idempotence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFormatEdits, formatDocument, formatText } from '../../server/src/core/index';

const SPACES = { tabSize: 4, insertSpaces: true };
const fmt = (text: string, o = SPACES): string => {
  const r = formatDocument(text, o);
  assert.equal(r.refused, undefined, r.refused);
  assert.equal(formatDocument(r.text, o).text, r.text, 'idempotent');
  return r.text;
};

test('one statement per line, indented by depth, single spaces, none before ";"', () => {
  assert.equal(fmt('http{\nserver{listen   80 ;server_name a;\n}}'), 'http {\n    server {\n        listen 80;\n        server_name a;\n    }\n}\n');
});

test('blocks written on one line stay on one line', () => {
  assert.equal(fmt('http {\nlocation = /x   {  return 204;   add_header  A b; }\nevents { }\n}\n'), 'http {\n    location = /x { return 204; add_header A b; }\n    events {}\n}\n');
});

test('comments stay where they are; trailing ones after one space', () => {
  const text = 'server {   # open\n  listen 80;    # port\n# own line\n} # managed by Certbot\n#end   \n';
  assert.equal(fmt(text), 'server { # open\n    listen 80; # port\n    # own line\n} # managed by Certbot\n#end\n');
});

test('multi-line log_format keeps its alignment under the first string', () => {
  const text = "http {\n  log_format  main  '$a '\n                    '$b'\n                    '$c';\n}\n";
  assert.equal(fmt(text), "http {\n    log_format main '$a '\n                    '$b'\n                    '$c';\n}\n");
  // Continuation lines not indented past the statement get one level.
  assert.equal(fmt("http {\nlog_format main '$a'\n'$b';\n}\n"), "http {\n    log_format main '$a'\n        '$b';\n}\n");
});

test('strings, regexes with {n}, templates and Lua bodies are kept byte for byte', () => {
  const text = [
    'server {',
    '  location ~ "^/a{3}/(?<x>[0-9]{2,})$" { return 200 "x  y\\"z"; }',
    "  set $v '${ENV_VAR}';",
    '  server_name ${EXTHOST};',
    '  proxy_pass "http://{{ .Upstream }}";',
    '  content_by_lua_block {',
    '      local t = { "}" }   -- }',
    '    ngx.say(t[1])',
    '   }',
    '}',
    '',
  ].join('\n');
  const out = fmt(text);
  for (const keep of ['"^/a{3}/(?<x>[0-9]{2,})$"', '"x  y\\"z"', "'${ENV_VAR}'", '${EXTHOST}', '"http://{{ .Upstream }}"', '{\n      local t = { "}" }   -- }\n    ngx.say(t[1])\n   }']) {
    assert.ok(out.includes(keep), `kept: ${keep}\n${out}`);
  }
});

test('aligned tables in map/geo/types keep their spacing', () => {
  const text = 'http {\nmap $a $b {\n  default      0;\n  ~^/x         1;   # note\n}\n}\n';
  assert.equal(fmt(text), 'http {\n    map $a $b {\n        default      0;\n        ~^/x         1;   # note\n    }\n}\n');
});

test('tabs and tab size', () => {
  assert.equal(fmt('a {\nb {\nc;\n}\n}\n', { tabSize: 3, insertSpaces: false }), 'a {\n\tb {\n\t\tc;\n\t}\n}\n');
  assert.equal(fmt('a {\nb {\nc;\n}\n}\n', { tabSize: 2, insertSpaces: true }), 'a {\n  b {\n    c;\n  }\n}\n');
});

test('blank lines: at most one in a row, none after "{" or before "}", one final newline', () => {
  assert.equal(fmt('\n\na;\n\n\n\nb {\n\n  c;\n\n}\n\n\n'), 'a;\n\nb {\n    c;\n}\n');
});

test('refuses files with syntax problems, and a file with only white space changes nothing', () => {
  for (const bad of ['a {', 'a }', 'a "b', 'a b', '\uFEFFa;', 'a "b"c;']) {
    const r = formatText(bad, SPACES);
    assert.deepEqual(r.edits, []);
    assert.match(r.refused!, /syntax problem/);
  }
  assert.deepEqual(formatText('  \n\n', SPACES), { edits: [] });
});

test('range formatting: only gaps that end inside the selected lines', () => {
  const text = 'a {\nb;\nc;\nd;\n}\n';
  const start = text.indexOf('c;');
  const r = formatText(text, SPACES, { start, end: start + 2 });
  assert.equal(applyFormatEdits(text, r.edits), 'a {\nb;\n    c;\nd;\n}\n');
});

test('edits only ever touch white space', () => {
  const text = 'http{server{listen 80;location /{proxy_pass http://x;}}}';
  const r = formatText(text, SPACES);
  assert.ok(r.edits.length > 0);
  for (const e of r.edits) {
    assert.match(text.slice(e.start, e.end), /^[ \t\r\n]*$/);
    assert.match(e.newText, /^[ \t\r\n]*$/);
  }
});
