// The data structures that make a large analysis cheap: shared verdicts, the structure index,
// lazily built fixes, allocation-free effective lookups and the token scanner behind parse().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, buildConfigSet, defaultCatalog, lex, Model, parse, makeSourceFile } from '../../server/src/core/index';
import { classify, structureIndex } from '../../server/src/core/checks/structure';
import { parseVersion } from '../../server/src/core/util/version';
import { memoryHost } from '../helpers/memory-host';

const catalog = defaultCatalog();
const ROOT = '/etc/nginx/nginx.conf';

const CONF = `events {}
http {
  upstream app { server 127.0.0.1:8080; keepalive 8; }
  proxy_set_header X-A a;
  server {
    listen 80;
    location /a { proxy_pass http://app; proxy_read_timeout 5s; }
    location /b { proxy_pass http://app; proxy_read_timeout 6s; }
    location /c { proxy_pass http://app; proxy_set_header X-B b; }
    gzip yes;
    bogus_directive 1;
    proxy_pass http://app;
  }
}
`;

test('directives of one shape share one verdict, recomputed for another nginx version', () => {
  const set = buildConfigSet(ROOT, { host: memoryHost({ [ROOT]: CONF }), catalog });
  const timeouts = set.all.filter((n) => n.d.name === 'proxy_read_timeout');
  const v1 = classify(timeouts[0]!, catalog, null);
  assert.equal(v1.kind, 'ok');
  assert.equal(classify(timeouts[1]!, catalog, null), v1);
  const old = parseVersion('1.0.0');
  assert.equal(classify(timeouts[0]!, catalog, old).kind, classify(timeouts[1]!, catalog, old).kind);
  assert.equal(classify(timeouts[0]!, catalog, null), v1);
});

test('the structure index groups directives by verdict, in reading order', () => {
  const set = buildConfigSet(ROOT, { host: memoryHost({ [ROOT]: CONF }), catalog });
  const model = new Model(set);
  const index = structureIndex({ set, model, catalog, version: null });
  assert.deepEqual(index.problems.get('unknown')?.map((n) => n.d.name), ['bogus_directive']);
  assert.deepEqual(index.problems.get('not-allowed')?.map((n) => n.d.name), ['proxy_pass']);
  const okNames = [...index.ok.values()].flatMap((nodes) => nodes.map((n) => n.d.name));
  assert.equal(okNames.filter((n) => n === 'proxy_read_timeout').length, 2);
  for (const nodes of index.ok.values()) assert.equal(new Set(nodes.map((n) => n.d.name)).size, 1);
  assert.equal(structureIndex({ set, model, catalog, version: null }), index, 'kept for the analysis');
});

test('fixes are built when read, once, and behave like eager ones', () => {
  const a = analyze(ROOT, { host: memoryHost({ [ROOT]: CONF }), catalog });
  const d = a.diagnostics.find((x) => x.code === 'keepalive-without-http11');
  assert.ok(d, JSON.stringify(a.diagnostics.map((x) => x.code)));
  const desc = Object.getOwnPropertyDescriptor(d, 'fixes');
  assert.ok(desc?.get, 'not built before it is read');
  const fixes = d.fixes;
  assert.ok(fixes?.length && fixes[0]!.isPreferred && fixes[0]!.edits.length);
  assert.equal(d.fixes, fixes, 'built once');
  assert.ok(Object.getOwnPropertyDescriptor(d, 'fixes')?.value, 'a plain value afterwards');
  assert.ok(JSON.stringify(d).includes('"fixes"'));
  d.fixes = [];
  assert.deepEqual(d.fixes, []);
});

test('effectiveNodes and first agree with effective(), and lookups return shared empty lists', () => {
  const set = buildConfigSet(ROOT, { host: memoryHost({ [ROOT]: CONF }), catalog });
  const model = new Model(set);
  for (const loc of model.locations) {
    for (const name of ['proxy_set_header', 'proxy_read_timeout', 'resolver']) {
      assert.deepEqual(model.effectiveNodes(loc, name), model.effective(loc, name).nodes);
      assert.equal(model.first(loc, name), model.effective(loc, name).nodes[0]);
    }
  }
  assert.equal(model.directivesIn(model.locations[0]!, 'nothing'), model.directivesIn(null, 'nothing'));
  assert.throws(() => (model.directivesIn(null, 'nothing') as unknown[]).push(1), 'the shared empty list is frozen');
  assert.deepEqual(model.blocks.map((b) => b.d.name), ['events', 'http', 'upstream', 'server', 'location', 'location', 'location']);
});

test('parse() reads the same tokens as lex(): names, arguments, quotes, comments, raw Lua bodies, problems', () => {
  const texts = [
    CONF,
    'a "b c" \'d\' e\\ f;  # c1\nx { y "z";} # c2',
    'content_by_lua_block { local s = "}" -- }\n ngx.say(s) }\nnext 1;',
    '\ufeffevents {}\nhttp { a "unterminated',
    'if ($a ~ "^x")) { return 200; }\n}',
  ];
  for (const text of texts) {
    const parsed = parse(makeSourceFile('/x.conf', text));
    const tokens = lex(text).tokens;
    const words = tokens.filter((t) => t.kind === 'word' || t.kind === 'string');
    const fromTree: string[] = [];
    const visit = (ds: typeof parsed.directives): void => {
      for (const d of ds) {
        fromTree.push(d.name, ...d.args.map((a) => a.value));
        if (d.block) visit(d.block.children);
      }
    };
    visit(parsed.directives);
    assert.deepEqual(fromTree, words.map((t) => t.value), text);
    assert.deepEqual(parsed.comments.map((c) => c.value), tokens.filter((t) => t.kind === 'comment').map((t) => t.value));
    const quoted = parsed.directives.flatMap(function all(d): { q: string | undefined; v: string }[] {
      return [...d.args.map((a) => ({ q: a.quote, v: a.value })), ...(d.block?.children.flatMap(all) ?? [])];
    });
    for (const q of quoted) if (q.q) assert.ok(words.some((t) => t.kind === 'string' && t.quote === q.q && t.value === q.v));
  }
  const lua = parse(makeSourceFile('/x.conf', texts[2]!));
  assert.match(lua.directives[0]!.block!.raw!.text, /ngx\.say/);
  assert.equal(lua.directives[1]!.name, 'next');
});
