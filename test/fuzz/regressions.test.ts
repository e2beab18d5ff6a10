// Counterexamples the fuzzer found, kept as fixed cases (they do not depend on the generators),
// plus a replay of the seed that found the first one. Each case must satisfy the fixAll property
// of core.test.ts: nothing throws, no new syntax problems, a second pass changes nothing, every
// range inside its file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyze, defaultCatalog, fixAllowed, formatDocument } from '../../server/src/core/index';
import { memoryHost } from '../helpers/memory-host';
import { config } from './gen';
import { checkFixAll, files, ROOT, SNIPPET } from './props';

// `npm run fuzz -- --seed -1070572169`: a `location` nested in `geo`, holding a broken
// `proxy_set_header C{...` whose accidental block swallowed a nested location. The
// proxy-headers-dropped-by-inheritance fix copied the raw text of that "header" (block and all,
// the nested location included) into the nested location, so every round nested one more copy.
const GEO_BROKEN_HEADER = [
  'upstream app { server 127.0.0.1:8080; }',
  'geo $g {',
  '  location ~ ^/api/(.*)$ {',
  '    # comment',
  '    proxy_set_header C{onnection "upgrade";',
  '    location /ws { proxy_pass http://app; proxy_set_header Upgrade $http_upgrade; }',
  '    proxy_http_version 1.1;',
  '    kqueue_events aa0aaa0aa a_000_00a 30s "$remote_addr - $request";',
  '  }',
  '}',
  'map $uri $m {',
  '',
  '}',
  'map $http_upgrade $connection_upgrade { default upgrade; "" close; }',
  '',
].join('\n');

test('regression: fixAll does not copy a broken directive\'s block into the block it swallowed (geo, seed -1070572169)', () => {
  const fixed = checkFixAll(GEO_BROKEN_HEADER);
  // everything after "geo $g {" is data or broken text: no fix may touch it
  assert.equal(fixed[SNIPPET], GEO_BROKEN_HEADER);
  // the same broken header in a server block: still no copy of it into the location it swallowed
  checkFixAll(GEO_BROKEN_HEADER.replace('geo $g {', 'server {'));
});

test('regression: fixAll does not insert after a statement cut off by an unterminated quote', () => {
  // found by the long run after the first fix: the websocket fixes were inserted after a
  // proxy_pass whose quote runs to the end of the file, i.e. into the string
  const cutOffPass = [
    'location ~ ^/(a)$ { proxy_pass http://app/x; }',
    'location /ws { proxy_pass "http://app; proxy_set_header Upgrade $http_upgrade; }',
    'access_by_lua_block { if x then return end }',
    '',
  ].join('\n');
  assert.equal(checkFixAll(cutOffPass)[SNIPPET], cutOffPass);
  // an inherited header cut off by an unterminated quote was copied down, quote and all
  const cutOffHeader = [
    'location / {',
    '  geo $g {',
    '  }',
    '  proxy_pass $scheme://$host;',
    '}',
    'proxy_set_header Upgrade "$http_upgrade;',
    '',
  ].join('\n');
  const fixed = checkFixAll(cutOffHeader)[SNIPPET]!;
  assert.ok(!fixed.slice(0, fixed.indexOf('proxy_set_header Upgrade "')).includes('proxy_set_header'), fixed);
});

const DATA_BLOCKS = ['geo $g', 'map $a $b', 'types', 'split_clients "$x" $y'];
const WS_LOCATION = '  location /ws { proxy_pass http://app; proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection upgrade; }';

for (const head of DATA_BLOCKS) {
  test(`regression: no fix edits inside a data block (${head.split(' ')[0]}), even a location written there`, () => {
    const text = `upstream app { server 127.0.0.1:8080; keepalive 4; }\n${head} {\n${WS_LOCATION}\n}\n`;
    const fs = files(text);
    const a = analyze(ROOT, { host: memoryHost(fs), catalog: defaultCatalog(), ruleOptions: { websocketReadTimeout: '3600s', checkLocalSockets: false } });
    const open = text.indexOf('{', text.indexOf(head));
    for (const d of a.diagnostics) {
      for (const f of d.fixes ?? []) {
        const inside = f.edits.some((e) => e.file === SNIPPET && e.end > open);
        if (inside) assert.equal(fixAllowed(a.set, f), false, `${d.code}: "${f.title}" edits inside ${head}`);
      }
    }
    assert.equal(checkFixAll(text)[SNIPPET], text);
  });
}

test('regression control: the same location in a server block is fixed', () => {
  const text = `upstream app { server 127.0.0.1:8080; keepalive 4; }\nserver {\n${WS_LOCATION}\n}\n`;
  const fixed = checkFixAll(text)[SNIPPET]!;
  assert.notEqual(fixed, text);
  assert.match(fixed, /proxy_read_timeout 3600s/);
  assert.match(fixed, /Connection \$connection_upgrade/);
});

test('regression: an include glob with a bracket range JavaScript rejects matches nothing instead of throwing', () => {
  // `npm run fuzz` soup-analyze, seed -1489675669: "[2J--[[]]" made new RegExp throw in glob.ts
  const fs = { [ROOT]: 'include \u001b[2J--[[]]' };
  const a = analyze(ROOT, { host: memoryHost(fs), catalog: defaultCatalog() });
  assert.ok(a.diagnostics.every((d) => d.end <= fs[ROOT]!.length));
  assert.equal(analyze(ROOT, { host: memoryHost({ [ROOT]: 'events {}\ninclude /etc/nginx/[z-a].conf;\n', '/etc/nginx/z.conf': 'x;' }), catalog: defaultCatalog() }).set.files.size, 1);
});

// Replays of the long run that found the first case: the shrunk counterexample (the full path),
// then the original input and the 99 that follow it. They depend on gen.ts: if the generators
// change, these replay other inputs (still valid property runs); the fixed cases above stay.
test('regression: replay of seed -1070572169 (fixAll property)', () => {
  for (const path of ['6829:27:28:30:33:36:39:41:43:44:46:53:55:58:63:65:66:104', '6829']) {
    fc.assert(fc.property(config, (t: string) => {
      checkFixAll(t);
    }), { seed: -1070572169, path, endOnFailure: true });
  }
});

test('regression: formatting is idempotent when the first CR is escaped inside a word (seed -614270468)', () => {
  const opts = { tabSize: 1, insertSpaces: false };
  for (const t of ['"\\\r\n;"', '\\\r\nlisten 80;\r\n', 'a \\\r\n;\r\nb c;\r\n']) {
    const once = formatDocument(t, opts).text;
    assert.equal(formatDocument(once, opts).text, once, `formatting ${JSON.stringify(t)} twice changed it`);
  }
  // a file with CRLF line breaks keeps them
  assert.equal(formatDocument('events {\r\nworker_connections 10;\r\n}\r\n', { tabSize: 4, insertSpaces: true }).text, 'events {\r\n    worker_connections 10;\r\n}\r\n');
});
