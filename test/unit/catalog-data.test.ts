// Invariants of the generated catalog data (server/src/core/catalog/*.json, made by
// scripts/gen-catalog.mjs; see docs/catalog.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CatalogData, DirectiveRecord, ParameterData, ParameterRecord, VariableData } from '../../server/src/core/catalog/types';
import { REPO } from '../helpers/repo';

const DIR = join(REPO, 'server', 'src', 'core', 'catalog');
const data = JSON.parse(readFileSync(join(DIR, 'directives.json'), 'utf8')) as CatalogData;
const vars = JSON.parse(readFileSync(join(DIR, 'variables.json'), 'utf8')) as VariableData;

const ARGS_RE = /^(any|flag|[0-7]\+|[0-7](\|[0-7])*)$/;
const VERSION_RE = /^\d+\.\d+\.\d+$/;

function cmpVer(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

function find(name: string, pred: (r: DirectiveRecord) => boolean = () => true): DirectiveRecord[] {
  return data.directives.filter((r) => r.name === name && pred(r));
}

/** The records of `name` that apply to version `v` (since/until inclusive). */
function at(name: string, v: string, pred: (r: DirectiveRecord) => boolean = () => true): DirectiveRecord[] {
  return find(name, pred).filter((r) => (!r.since || cmpVer(r.since, v) <= 0) && (!r.until || cmpVer(v, r.until) <= 0));
}

function one(list: DirectiveRecord[], what: string): DirectiveRecord {
  assert.equal(list.length, 1, `expected exactly one record for ${what}, got ${JSON.stringify(list)}`);
  return list[0];
}

test('catalog: versions are sorted, unique and start at 1.18.0', () => {
  assert.ok(data.versions.length >= 2);
  assert.equal(data.versions[0], '1.18.0');
  for (const v of data.versions) assert.match(v, VERSION_RE);
  for (let i = 1; i < data.versions.length; i++) {
    assert.ok(cmpVer(data.versions[i - 1], data.versions[i]) < 0, `${data.versions[i - 1]} !< ${data.versions[i]}`);
  }
});

test('catalog: provenance names the generator and the nginx sources', () => {
  const p = data.provenance as { generatedBy: string; command: string; sources: { repo: string; commit: string | null }[] };
  assert.equal(p.generatedBy, 'scripts/gen-catalog.mjs');
  assert.match(p.command, /^node scripts\/gen-catalog\.mjs --nginx nginx\/nginx /);
  assert.doesNotMatch(p.command, /\/work\/|\/tmp\/|\/home\//, 'command must not contain local paths');
  assert.ok(p.sources.some((s) => s.repo === 'nginx/nginx'));
  assert.ok(p.sources.some((s) => s.repo === 'nginx/nginx.org'));
});

test('catalog: every record is well-formed', () => {
  const versions = new Set(data.versions);
  for (const r of data.directives) {
    const where = JSON.stringify(r);
    assert.match(r.name, /^[a-z0-9_]+$/, where);
    assert.ok(r.module, where);
    assert.ok(['core', 'event', 'http', 'stream', 'mail'].includes(r.family), where);
    assert.ok(['nginx', 'docs', 'lua', 'stream-lua', 'headers-more', 'njs', 'ndk'].includes(r.source), where);
    assert.ok(Array.isArray(r.contexts) && r.contexts.length > 0, `no contexts: ${where}`);
    assert.equal(new Set(r.contexts).size, r.contexts.length, where);
    assert.match(r.args, ARGS_RE, where);
    assert.equal(typeof r.block, 'boolean', where);
    if (r.block) assert.ok(['directives', 'data', 'raw'].includes(r.bodyKind ?? ''), `block without bodyKind: ${where}`);
    else assert.equal(r.bodyKind, undefined, where);
    if (r.source === 'nginx') {
      assert.ok(r.since && versions.has(r.since), `nginx record without a known since: ${where}`);
    }
    if (r.since) assert.ok(versions.has(r.since), where);
    if (r.until) {
      assert.ok(versions.has(r.until), where);
      assert.ok(r.since && cmpVer(r.since, r.until) <= 0, where);
      assert.notEqual(r.until, data.versions[data.versions.length - 1], `until must be omitted for the newest: ${where}`);
    }
    if (r.values) assert.ok(r.values.length > 0 && r.values.every((v) => typeof v === 'string'), where);
    if (r.commercial) assert.equal(r.source, 'docs', where);
    if (r.docs) assert.match(r.docs, /^https:\/\/nginx\.org\/en\/docs\/.+\.html#[a-z0-9_]+$/, where);
  }
});

test('catalog: records are sorted by name, family, since', () => {
  for (let i = 1; i < data.directives.length; i++) {
    const a = data.directives[i - 1];
    const b = data.directives[i];
    const c = a.name < b.name ? -1 : a.name > b.name ? 1 : a.family < b.family ? -1 : a.family > b.family ? 1 : 0;
    assert.ok(c <= 0, `${a.name}/${a.family} before ${b.name}/${b.family}`);
    if (c === 0 && a.since && b.since) assert.ok(cmpVer(a.since, b.since) <= 0, `${a.name}: ${a.since} before ${b.since}`);
  }
});

test('catalog: version ranges of one directive do not overlap', () => {
  const groups = new Map<string, DirectiveRecord[]>();
  for (const r of data.directives) {
    if (r.source !== 'nginx') continue;
    const k = `${r.name}|${r.family}|${r.module}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const last = data.versions[data.versions.length - 1];
  for (const [k, list] of groups) {
    const sorted = [...list].sort((a, b) => cmpVer(a.since!, b.since!));
    for (let i = 1; i < sorted.length; i++) {
      assert.ok(cmpVer(sorted[i - 1].until ?? last, sorted[i].since!) < 0, `overlapping variants of ${k}`);
    }
  }
});

test('catalog: proxy_pass (http) is a location-level one-argument directive', () => {
  const r = one(at('proxy_pass', '1.24.0', (x) => x.family === 'http'), 'proxy_pass/http');
  assert.deepEqual(r.contexts, ['location', 'if_location', 'limit_except']);
  assert.equal(r.args, '1');
  assert.equal(r.block, false);
  assert.equal(r.source, 'nginx');
  assert.equal(r.module, 'ngx_http_proxy_module');
  assert.equal(r.docs, 'https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass');
  assert.deepEqual(r.syntax, ['proxy_pass URL;']);
  assert.ok(one(at('proxy_pass', '1.24.0', (x) => x.family === 'stream'), 'proxy_pass/stream').contexts.includes('stream_server'));
});

test('catalog: location, if, events, include, map', () => {
  const loc = one(find('location'), 'location');
  assert.equal(loc.block, true);
  assert.equal(loc.args, '1|2');
  assert.deepEqual(loc.contexts, ['server', 'location']);
  assert.equal(loc.bodyKind, 'directives');

  const iff = one(find('if', (r) => r.family === 'http'), 'if');
  assert.equal(iff.block, true);
  assert.equal(iff.args, '1+');

  const ev = one(find('events'), 'events');
  assert.deepEqual(ev.contexts, ['main']);
  assert.equal(ev.block, true);
  assert.equal(ev.args, '0');

  const inc = one(find('include'), 'include');
  assert.deepEqual(inc.contexts, ['any']);
  assert.equal(inc.args, '1');

  for (const fam of ['http', 'stream']) {
    const m = one(find('map', (r) => r.family === fam), `map/${fam}`);
    assert.equal(m.bodyKind, 'data');
    assert.equal(m.args, '2');
  }
  assert.equal(one(find('types'), 'types').bodyKind, 'data');
  assert.equal(one(find('worker_connections'), 'worker_connections').contexts[0], 'events');
  assert.deepEqual(one(find('http'), 'http').contexts, ['main']);
});

test('catalog: server is an http block, an upstream directive, and exists in stream and mail', () => {
  const srv = find('server', (r) => r.source === 'nginx');
  const httpBlock = one(srv.filter((r) => r.family === 'http' && r.block), 'server/http block');
  assert.deepEqual(httpBlock.contexts, ['http']);
  assert.equal(httpBlock.args, '0');
  const ups = one(srv.filter((r) => r.family === 'http' && !r.block), 'server/upstream');
  assert.deepEqual(ups.contexts, ['upstream']);
  assert.equal(ups.args, '1+');
  assert.ok(srv.some((r) => r.family === 'stream' && r.block && r.contexts.includes('stream')));
  assert.ok(srv.some((r) => r.family === 'stream' && !r.block && r.contexts.includes('stream_upstream')));
  assert.ok(srv.some((r) => r.family === 'mail' && r.block && r.contexts.includes('mail')));
});

test('catalog: proxy_http_version accepts "2" only from 1.29.4 on', () => {
  const old = one(at('proxy_http_version', '1.29.3'), 'proxy_http_version@1.29.3');
  assert.equal(old.valueType, 'enum');
  assert.deepEqual(old.values, ['1.0', '1.1']);
  assert.equal(old.until, '1.29.3');
  const cur = one(at('proxy_http_version', '1.29.4'), 'proxy_http_version@1.29.4');
  assert.ok(cur.values?.includes('2'));
  assert.equal(cur.since, '1.29.4');
  assert.equal(one(at('proxy_http_version', data.versions[data.versions.length - 1]), 'newest').until, undefined);
});

test('catalog: keepalive records exist for http upstreams', () => {
  const ka = find('keepalive', (r) => r.family === 'http' && r.source === 'nginx');
  assert.ok(ka.length >= 1);
  for (const r of ka) assert.deepEqual(r.contexts, ['upstream']);
  assert.ok(ka.some((r) => r.since === '1.18.0'));
  assert.ok(ka.some((r) => r.until === undefined));
});

test('catalog: value types and enum values come from the handlers', () => {
  const gz = one(at('gzip', '1.24.0'), 'gzip');
  assert.equal(gz.args, 'flag');
  assert.equal(gz.valueType, 'flag');
  assert.equal(one(at('client_max_body_size', '1.24.0'), 'client_max_body_size').valueType, 'offset');
  assert.equal(one(at('proxy_read_timeout', '1.24.0'), 'proxy_read_timeout').valueType, 'time_ms');
  const methods = one(at('proxy_cache_methods', '1.24.0'), 'proxy_cache_methods');
  assert.equal(methods.valueType, 'bitmask');
  assert.deepEqual(methods.values, ['GET', 'HEAD', 'POST']);
});

test('catalog: third-party modules', () => {
  const cbl = find('content_by_lua_block');
  assert.ok(cbl.some((r) => r.source === 'lua' && r.family === 'http'));
  for (const r of cbl) { assert.equal(r.block, true); assert.equal(r.bodyKind, 'raw'); }
  for (const r of data.directives.filter((x) => x.name.endsWith('_by_lua_block'))) assert.equal(r.bodyKind, 'raw', r.name);
  const more = one(find('more_set_headers'), 'more_set_headers');
  assert.equal(more.source, 'headers-more');
  assert.ok(more.contexts.includes('location'));
  const js = one(find('js_content', (r) => r.family === 'http'), 'js_content');
  assert.equal(js.source, 'njs');
  assert.ok(js.contexts.includes('location'));
});

test('catalog: docs-only NGINX Plus directives are marked commercial', () => {
  const docsOnly = data.directives.filter((r) => r.source === 'docs');
  assert.ok(docsOnly.some((r) => r.commercial));
  const api = one(find('api'), 'api');
  assert.equal(api.commercial, true);
  assert.ok(api.contexts.includes('location'));
  // a directive that exists in nginx's sources is never docs-only
  const nginxNames = new Set(data.directives.filter((r) => r.source === 'nginx').map((r) => `${r.name}|${r.module}`));
  for (const r of docsOnly) assert.ok(!nginxNames.has(`${r.name}|${r.module}`), r.name);
});

test('variables: well-formed, with prefix variables and version ranges', () => {
  const versions = new Set(data.versions);
  for (const v of vars.variables) {
    assert.match(v.name, /^[a-z0-9_]+$/);
    assert.ok(['http', 'stream'].includes(v.family), v.name);
    if (v.since) assert.ok(versions.has(v.since), v.name);
    if (v.until) assert.ok(versions.has(v.until), v.name);
    if (v.prefix) assert.ok(v.name.endsWith('_'), v.name);
  }
  const has = (name: string, family = 'http') => vars.variables.some((v) => v.name === name && v.family === family);
  for (const n of ['host', 'remote_addr', 'request_uri', 'upstream_addr', 'gzip_ratio', 'uid_got']) assert.ok(has(n), n);
  assert.ok(has('remote_addr', 'stream'));
  const prefixes = vars.variables.filter((v) => v.prefix && v.family === 'http').map((v) => v.name);
  for (const p of ['http_', 'sent_http_', 'sent_trailer_', 'cookie_', 'arg_', 'upstream_http_', 'upstream_trailer_', 'upstream_cookie_']) {
    assert.ok(prefixes.includes(p), p);
  }
  const conn = vars.variables.find((v) => v.name === 'connection_time');
  assert.equal(conn?.since, '1.19.10');
});

test('catalog: defaults that changed between releases carry their history, read from the sources', () => {
  const history = (name: string, module: string): DirectiveRecord['defaultHistory'] => one(at(name, '1.29.7', (r) => r.module === module), name).defaultHistory;
  // proxy_http_version: 1.0 until nginx made HTTP/1.1 with keepalive the default
  assert.deepEqual(history('proxy_http_version', 'ngx_http_proxy_module'), [{ until: '1.29.6', default: '1.0' }]);
  assert.deepEqual(one(at('proxy_http_version', '1.24.0'), 'proxy_http_version 1.24').defaultHistory, [{ until: '1.29.6', default: '1.0' }]);
  // the upstream keepalive cache: none before 1.29.7
  assert.deepEqual(history('keepalive', 'ngx_http_upstream_keepalive_module'), [{ until: '1.29.6', default: null }]);
  assert.deepEqual(history('keepalive_requests', 'ngx_http_core_module'), [{ until: '1.19.9', default: '100' }]);
  assert.deepEqual(history('proxy_ssl_protocols', 'ngx_http_proxy_module'), [
    { until: '1.23.3', default: 'TLSv1 TLSv1.1 TLSv1.2' },
    { since: '1.23.4', until: '1.27.2', default: 'TLSv1 TLSv1.1 TLSv1.2 TLSv1.3' },
  ]);
  // unchanged defaults have none
  assert.equal(one(at('proxy_read_timeout', '1.24.0', (r) => r.family === 'http'), 'proxy_read_timeout').defaultHistory, undefined);
  for (const r of data.directives) {
    for (const h of r.defaultHistory ?? []) {
      assert.ok(h.until && VERSION_RE.test(h.until) && (!h.since || (VERSION_RE.test(h.since) && cmpVer(h.since, h.until) <= 0)), `${r.name}: ${JSON.stringify(h)}`);
      assert.notEqual(h.default, r.default, `${r.name}: a history entry differs from the documented default`);
    }
  }
});

const params = JSON.parse(readFileSync(join(DIR, 'parameters.json'), 'utf8')) as ParameterData;

function param(directive: string, module: string, name: string): ParameterRecord[] {
  return params.parameters.filter((p) => p.directive === directive && p.module === module && p.name === name);
}

test('parameters: read from the handlers at each release, NGINX Plus ones from the docs', () => {
  assert.ok(params.parameters.length >= 80, `${params.parameters.length} parameter records`);
  for (const p of params.parameters) {
    assert.ok(/^[a-z][a-z0-9_]*=?$/.test(p.name), p.name);
    assert.ok(p.plus ? !p.since && !p.until : !!p.since, JSON.stringify(p));
  }
  // open source since 1.27.3, NGINX Plus before
  assert.deepEqual(param('server', 'ngx_http_upstream_module', 'resolve').map((p) => [p.since, p.commercial]), [['1.27.3', true]]);
  assert.deepEqual(param('server', 'ngx_stream_upstream_module', 'resolve').map((p) => p.since), ['1.27.3']);
  assert.equal(param('server', 'ngx_http_upstream_module', 'route=')[0]?.since, '1.29.6');
  assert.equal(param('server', 'ngx_http_upstream_module', 'weight=')[0]?.since, '1.18.0');
  assert.equal(param('server', 'ngx_http_upstream_module', 'slow_start=')[0]?.plus, true);
  assert.equal(param('listen', 'ngx_http_core_module', 'quic=').length + param('listen', 'ngx_http_core_module', 'quic').length, 1);
  assert.equal(param('listen', 'ngx_http_core_module', 'quic')[0]?.since, '1.25.0');
  assert.deepEqual(param('listen', 'ngx_http_core_module', 'spdy').map((p) => [p.since, p.until]), [['1.18.0', '1.19.6']]);
  assert.equal(param('listen', 'ngx_stream_core_module', 'default_server')[0]?.since, '1.25.5');
  assert.deepEqual(['burst=', 'delay=', 'nodelay', 'zone='].map((n) => param('limit_req', 'ngx_http_limit_req_module', n).length), [1, 1, 1, 1]);
});

test('variables: built-ins that set/map may assign are marked changeable, the others are not', () => {
  const rec = (name: string): VariableData['variables'] => vars.variables.filter((v) => v.name === name && v.family === 'http');
  assert.ok(rec('args').every((v) => v.changeable));
  assert.ok(rec('limit_rate').every((v) => v.changeable));
  assert.ok(rec('scheme').length > 0 && rec('scheme').every((v) => !v.changeable));
  assert.ok(rec('https').length > 0 && rec('https').every((v) => !v.changeable));
});
