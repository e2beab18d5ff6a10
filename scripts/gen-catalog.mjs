#!/usr/bin/env node
// Generates the directive and variable catalogs used by the language server:
//   server/src/core/catalog/directives.json
//   server/src/core/catalog/variables.json
// from LOCAL copies (bare git dirs or normal checkouts) of nginx's sources and docs and of a few
// third-party modules. Only facts are extracted mechanically (names, context/argument flags,
// handler kinds, enum values, defaults, version ranges); no code or prose is copied.
// Plain Node 20 ESM, no dependencies besides the `git` executable. See docs/catalog.md.
//
// Usage:
//   node scripts/gen-catalog.mjs --nginx <nginx/nginx> [--docs <nginx/nginx.org>]
//        [--lua <openresty/lua-nginx-module>] [--stream-lua <openresty/stream-lua-nginx-module>]
//        [--headers-more <openresty/headers-more-nginx-module>] [--njs <nginx/njs>]
//        [--ndk <vision5/ngx_devel_kit>] [--from release-1.18.0] [--to release-X.Y.Z]
//        [--out-dir server/src/core/catalog] [--verbose]
// Each <...> is a local path: a bare git directory or a checkout. nginx is read at every
// release tag from --from to --to (needs git); the others are read at their HEAD / work tree.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { defaultExpressions, enumConstants, histories, translate } from './catalog-defaults.mjs';
const started = Date.now();
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Command line

const INPUTS = {
  nginx: { repo: 'nginx/nginx', required: true },
  docs: { repo: 'nginx/nginx.org' },
  lua: { repo: 'openresty/lua-nginx-module', source: 'lua' },
  'stream-lua': { repo: 'openresty/stream-lua-nginx-module', source: 'stream-lua' },
  'headers-more': { repo: 'openresty/headers-more-nginx-module', source: 'headers-more' },
  njs: { repo: 'nginx/njs', source: 'njs' },
  ndk: { repo: 'vision5/ngx_devel_kit', source: 'ndk' },
};

function usage(msg) {
  if (msg) console.error(`gen-catalog: ${msg}`);
  console.error(
    'usage: node scripts/gen-catalog.mjs --nginx PATH [--docs PATH] [--lua PATH] [--stream-lua PATH]\n' +
      '       [--headers-more PATH] [--njs PATH] [--ndk PATH] [--from TAG] [--to TAG] [--out-dir DIR] [--verbose]',
  );
  process.exit(2);
}

const opts = { from: 'release-1.18.0', to: null, outDir: path.join(ROOT, 'server/src/core/catalog'), verbose: false };
const inputPaths = {};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') usage();
    if (a === '--verbose') { opts.verbose = true; continue; }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) usage(`unexpected argument ${a}`);
    const key = m[1];
    const val = m[2] ?? argv[++i];
    if (val === undefined) usage(`missing value for --${key}`);
    if (key in INPUTS) inputPaths[key] = path.resolve(val);
    else if (key === 'from') opts.from = val;
    else if (key === 'to') opts.to = val;
    else if (key === 'out-dir') opts.outDir = path.resolve(val);
    else usage(`unknown option --${key}`);
  }
  for (const [k, v] of Object.entries(INPUTS)) if (v.required && !inputPaths[k]) usage(`--${k} is required`);
}

const report = { unresolved: new Map(), notes: [] };
function note(msg) { report.notes.push(msg); }
function unresolved(what, where) {
  const k = `${what}`;
  if (!report.unresolved.has(k)) report.unresolved.set(k, new Set());
  report.unresolved.get(k).add(where);
}
function log(...a) { if (opts.verbose) console.error(...a); }

// ---------------------------------------------------------------------------------------------
// Source access: bare git dir, checkout with .git, or a plain directory.

class Source {
  constructor(p) {
    this.path = p;
    if (!fs.existsSync(p)) throw new Error(`no such path: ${p}`);
    if (fs.existsSync(path.join(p, '.git'))) { this.gitDir = path.join(p, '.git'); this.workTree = p; }
    else if (fs.existsSync(path.join(p, 'HEAD')) && fs.existsSync(path.join(p, 'objects'))) { this.gitDir = p; this.workTree = null; }
    else { this.gitDir = null; this.workTree = p; }
  }
  git(args, input) {
    const r = spawnSync('git', ['--git-dir', this.gitDir, ...args], {
      input, maxBuffer: 1 << 30, ...(input === undefined ? { encoding: 'utf8' } : {}),
    });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }
  head() {
    if (!this.gitDir) return null;
    try { return this.git(['rev-parse', 'HEAD']).trim(); } catch { return null; }
  }
  tags() { return this.gitDir ? this.git(['tag', '--list']).split('\n').filter(Boolean) : []; }
  /** Files under `under` at `ref` (null: work tree if any, else HEAD). Returns [{path, id}]. */
  list(ref, under) {
    if (ref === null && this.workTree) {
      const out = [];
      const walk = (rel) => {
        const abs = path.join(this.workTree, rel);
        if (!fs.existsSync(abs)) return;
        for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
          if (e.name === '.git') continue;
          const r = rel ? `${rel}/${e.name}` : e.name;
          if (e.isDirectory()) walk(r);
          else if (e.isFile()) out.push({ path: r, id: `fs:${path.join(this.workTree, r)}` });
        }
      };
      walk(under || '');
      return out;
    }
    const args = ['ls-tree', '-r', ref || 'HEAD'];
    if (under) args.push('--', under);
    return this.git(args).split('\n').filter(Boolean).flatMap((line) => {
      const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/.exec(line);
      return m ? [{ path: m[2], id: m[1] }] : [];
    });
  }
  /** Reads many files at once; ids from list(). Returns Map id -> text. */
  read(ids, cache = new Map()) {
    const need = [...new Set(ids)].filter((id) => !cache.has(id));
    const gitIds = need.filter((id) => !id.startsWith('fs:'));
    for (const id of need) if (id.startsWith('fs:')) cache.set(id, fs.readFileSync(id.slice(3), 'latin1'));
    for (let i = 0; i < gitIds.length; i += 2000) {
      const chunk = gitIds.slice(i, i + 2000);
      const buf = this.git(['cat-file', '--batch'], chunk.join('\n') + '\n');
      let pos = 0;
      while (pos < buf.length) {
        const nl = buf.indexOf(10, pos);
        const header = buf.toString('latin1', pos, nl);
        const m = /^([0-9a-f]+) \w+ (\d+)$/.exec(header);
        if (!m) throw new Error(`git cat-file: unexpected header ${header}`);
        const size = Number(m[2]);
        cache.set(m[1], buf.toString('latin1', nl + 1, nl + 1 + size));
        pos = nl + 1 + size + 1;
      }
    }
    return cache;
  }
}

// ---------------------------------------------------------------------------------------------
// Minimal C helpers

/** Removes comments (keeps strings and newlines) and joins backslash-continued lines. */
function cleanC(src) {
  let out = '';
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '/' && src[i + 1] === '*') {
      const e = src.indexOf('*/', i + 2);
      const end = e < 0 ? n : e + 2;
      out += src.slice(i, end).replace(/[^\n]/g, '');
      out += ' ';
      i = end;
    } else if (c === '/' && src[i + 1] === '/') {
      const e = src.indexOf('\n', i);
      i = e < 0 ? n : e;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && src[j] !== c) { if (src[j] === '\\') j++; if (src[j] === '\n') break; j++; }
      out += src.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/\\\r?\n/g, ' ');
}

/** Object-like #defines whose value is a plain flag expression. */
function parseDefines(text) {
  const defs = new Map();
  const re = /^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(?:[ \t]+([^\n]*))?$/gm;
  let m;
  while ((m = re.exec(text))) {
    const v = (m[2] || '').trim();
    if (v && /^[\w\s|()]+$/.test(v)) defs.set(m[1], v);
  }
  return defs;
}

/** Evaluates an `|`-joined flag expression. Returns {value, unresolved: string[]}. */
function evalFlags(expr, lookup) {
  const missing = [];
  const ev = (e, depth) => {
    if (depth > 20) { missing.push(e); return 0; }
    let v = 0;
    for (const tok of e.replace(/[()]/g, ' ').split(/[\s|]+/).filter(Boolean)) {
      if (/^0x[0-9a-f]+$/i.test(tok)) v = (v | parseInt(tok, 16)) >>> 0;
      else if (/^\d+$/.test(tok)) v = (v | parseInt(tok, 10)) >>> 0;
      else {
        const d = lookup(tok);
        if (d === undefined) missing.push(tok);
        else v = (v | ev(d, depth + 1)) >>> 0;
      }
    }
    return v >>> 0;
  };
  if (/[^\w\s|()]/.test(expr)) return { value: 0, unresolved: [expr] };
  const value = ev(expr, 0);
  return { value, unresolved: missing };
}

/** Finds `TYPE name[] = { ... }` arrays. Returns [{name, body, start}]. */
function findArrays(text, typeRe) {
  const re = new RegExp(`\\b(?:${typeRe})\\s+([A-Za-z_]\\w*)\\s*\\[\\s*\\w*\\s*\\]\\s*=\\s*\\{`, 'g');
  const out = [];
  let m;
  while ((m = re.exec(text))) {
    const open = re.lastIndex - 1;
    const close = matchBrace(text, open);
    if (close < 0) continue;
    out.push({ type: m[0], name: m[1], body: text.slice(open + 1, close), start: m.index });
    re.lastIndex = close + 1;
  }
  return out;
}

function matchBrace(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") { i++; while (i < text.length && text[i] !== c) { if (text[i] === '\\') i++; i++; } continue; }
    if (c === '{') depth++;
    else if (c === '}') { depth--; if (depth === 0) return i; }
  }
  return -1;
}

/** Top-level `{ ... }` entries of an array body (preprocessor lines dropped: all branches kept). */
function entries(body) {
  const b = body.replace(/^[ \t]*#[^\n]*$/gm, '');
  const out = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === '{') {
      const e = matchBrace(b, i);
      if (e < 0) break;
      out.push(splitTop(b.slice(i + 1, e)));
      i = e;
    }
  }
  return out;
}

function splitTop(s) {
  const parts = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < s.length && s[j] !== c) { if (s[j] === '\\') j++; j++; }
      cur += s.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    if (c === ',' && depth === 0) { parts.push(cur.trim()); cur = ''; continue; }
    cur += c;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

function ngxString(field) {
  const m = /^ngx_string\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)$/.exec(field || '');
  return m ? m[1] : null;
}

// ---------------------------------------------------------------------------------------------
// Per-file extraction

const SLOT_TYPES = {
  ngx_conf_set_flag_slot: 'flag', ngx_conf_set_str_slot: 'string', ngx_conf_set_num_slot: 'number',
  ngx_conf_set_size_slot: 'size', ngx_conf_set_off_slot: 'offset', ngx_conf_set_msec_slot: 'time_ms',
  ngx_conf_set_sec_slot: 'time_s', ngx_conf_set_bufs_slot: 'bufs', ngx_conf_set_enum_slot: 'enum',
  ngx_conf_set_bitmask_slot: 'bitmask', ngx_conf_set_keyval_slot: 'keyval',
  ngx_conf_set_str_array_slot: 'string_array', ngx_conf_set_path_slot: 'path', ngx_conf_set_access_slot: 'access',
};

const MODULE_TYPES = {
  NGX_HTTP_MODULE: 'http', NGX_STREAM_MODULE: 'stream', NGX_MAIL_MODULE: 'mail',
  NGX_EVENT_MODULE: 'event', NGX_CORE_MODULE: 'core', NGX_CONF_MODULE: 'core',
};

/** Parses one cleaned C file: command tables, enum/bitmask tables, module map, variables. */
function parseCFile(raw) {
  const text = cleanC(raw);
  const res = { text, defines: parseDefines(text), commands: [], enums: new Map(), modules: new Map(), variables: [] };
  const hasCmd = text.includes('ngx_command_t');
  const hasVar = /_variable_t|_add_variable/.test(text);
  if (!hasCmd && !hasVar) return res;

  for (const t of findArrays(text, 'ngx_conf_enum_t|ngx_conf_bitmask_t')) {
    const vals = [];
    for (const f of entries(t.body)) {
      const s = ngxString(f[0]);
      if (s !== null && !vals.includes(s)) vals.push(s);
    }
    res.enums.set(t.name, { values: vals, exported: !/\bstatic\s+$/.test(text.slice(Math.max(0, t.start - 20), t.start)) });
  }
  const modRe = /\bngx_module_t\s+([A-Za-z_]\w*)\s*=\s*\{\s*NGX_MODULE_V1\s*,\s*[^,]*,\s*([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)/g;
  let m;
  while ((m = modRe.exec(text))) res.modules.set(m[2], { module: m[1], type: m[3] });

  for (const t of findArrays(text, 'ngx_command_t')) {
    for (const f of entries(t.body)) {
      const name = ngxString(f[0]);
      if (name === null) continue;
      res.commands.push({
        table: t.name, name, flags: (f[1] || '').replace(/\s+/g, ' '), handler: f[2] || '',
        post: (f[5] || '').replace(/^\(\s*void\s*\*\s*\)\s*/, '').replace(/^&\s*/, '').trim(),
      });
    }
  }

  for (const t of findArrays(text, 'ngx_http_variable_t|ngx_stream_variable_t')) {
    for (const f of entries(t.body)) {
      const name = ngxString(f[0]);
      if (name === null || name === '') continue;
      res.variables.push({ name, prefix: /VAR_PREFIX/.test(f[4] || ''), changeable: /VAR_CHANGEABLE/.test(f[4] || '') });
    }
  }
  // static ngx_str_t X = ngx_string("name"); ... ngx_http_add_variable(cf, &X, ...)
  const strs = new Map();
  const strRe = /\bngx_str_t\s+([A-Za-z_]\w*)\s*=\s*ngx_string\s*\(\s*"((?:[^"\\]|\\.)*)"\s*\)/g;
  while ((m = strRe.exec(text))) strs.set(m[1], m[2]);
  const addRe = /\bngx_(?:http|stream)_add_variable\s*\(\s*\w+\s*,\s*&\s*([A-Za-z_]\w*)\s*,([^;]*)/g;
  while ((m = addRe.exec(text))) {
    if (strs.has(m[1])) res.variables.push({ name: strs.get(m[1]), prefix: /VAR_PREFIX/.test(m[2]), changeable: /VAR_CHANGEABLE/.test(m[2]) });
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// Flag interpretation

const CONTEXT_ORDER = ['main', 'events', 'http', 'server', 'location', 'upstream', 'if_server', 'if_location',
  'limit_except', 'stream', 'stream_server', 'stream_upstream', 'mail', 'mail_server', 'any'];
function sortContexts(list) {
  const uniq = [...new Set(list)];
  const rank = (c) => { const i = CONTEXT_ORDER.indexOf(c); return i < 0 ? 100 : i; };
  return uniq.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

// Context macro -> our context name, per family. Bit values come from the headers.
const CONTEXT_MACROS = {
  core: [['NGX_MAIN_CONF', 'main']],
  event: [['NGX_MAIN_CONF', 'main'], ['NGX_EVENT_CONF', 'events']],
  http: [['NGX_MAIN_CONF', 'main'], ['NGX_HTTP_MAIN_CONF', 'http'], ['NGX_HTTP_SRV_CONF', 'server'],
    ['NGX_HTTP_LOC_CONF', 'location'], ['NGX_HTTP_UPS_CONF', 'upstream'], ['NGX_HTTP_SIF_CONF', 'if_server'],
    ['NGX_HTTP_LIF_CONF', 'if_location'], ['NGX_HTTP_LMT_CONF', 'limit_except']],
  stream: [['NGX_MAIN_CONF', 'main'], ['NGX_STREAM_MAIN_CONF', 'stream'], ['NGX_STREAM_SRV_CONF', 'stream_server'],
    ['NGX_STREAM_UPS_CONF', 'stream_upstream']],
  mail: [['NGX_MAIN_CONF', 'main'], ['NGX_MAIL_MAIN_CONF', 'mail'], ['NGX_MAIL_SRV_CONF', 'mail_server']],
};
const ARG_MACROS = ['NGX_CONF_NOARGS', 'NGX_CONF_TAKE1', 'NGX_CONF_TAKE2', 'NGX_CONF_TAKE3', 'NGX_CONF_TAKE4',
  'NGX_CONF_TAKE5', 'NGX_CONF_TAKE6', 'NGX_CONF_TAKE7'];
const OTHER_MACROS = ['NGX_CONF_BLOCK', 'NGX_CONF_FLAG', 'NGX_CONF_ANY', 'NGX_CONF_1MORE', 'NGX_CONF_2MORE',
  'NGX_DIRECT_CONF', 'NGX_ANY_CONF', 'NGX_CONF_ARGS_NUMBER'];

/** Builds the bit table from a define lookup; verifies the expected layout. */
function bitTable(lookup, where) {
  const val = (name) => {
    const d = lookup(name);
    if (d === undefined) { unresolved(name, `header (${where})`); return 0; }
    return evalFlags(d, lookup).value;
  };
  const t = { args: ARG_MACROS.map(val), ctx: {} };
  for (const k of OTHER_MACROS) t[k] = val(k);
  for (const [fam, list] of Object.entries(CONTEXT_MACROS)) {
    t.ctx[fam] = list.map(([macro, ctx]) => [val(macro), ctx, macro]);
  }
  return t;
}

function decodeFlags(value, family, bits) {
  const ctxBits = (value & bits.NGX_ANY_CONF) >>> 0;
  let contexts = [];
  let leftover = ctxBits;
  if (ctxBits === bits.NGX_ANY_CONF) { contexts = ['any']; leftover = 0; }
  else {
    for (const [bit, ctx] of bits.ctx[family] || []) {
      if (bit && (ctxBits & bit)) { contexts.push(ctx); leftover = (leftover & ~bit) >>> 0; }
    }
  }
  let args;
  if (value & bits.NGX_CONF_ANY) args = 'any';
  else if (value & bits.NGX_CONF_FLAG) args = 'flag';
  else if (value & bits.NGX_CONF_1MORE) args = '1+';
  else if (value & bits.NGX_CONF_2MORE) args = '2+';
  else args = bits.args.map((b, i) => ((value & b) ? String(i) : null)).filter((x) => x !== null).join('|');
  return { contexts: sortContexts(contexts), args, block: !!(value & bits.NGX_CONF_BLOCK), leftover };
}

/** NGX_CONF_FLAG only makes nginx check for exactly one argument; when the handler is an enum
 *  slot (ssl_ocsp in some releases) the accepted words are the enum's, so record "1" + values. */
function flagWithValues(rec) {
  if (rec.args === 'flag' && rec.values && rec.values.length) rec.args = '1';
}

// ---------------------------------------------------------------------------------------------
// Body kinds

// num_map (NGINX Plus, docs only) has a map-like body as well.
const DATA_BLOCKS = new Set(['map', 'geo', 'split_clients', 'types', 'charset_map', 'match', 'num_map']);
function bodyKindFor(name, family) {
  if (/_by_lua_block$/.test(name)) return 'raw';
  if ((family === 'http' || family === 'stream') && DATA_BLOCKS.has(name)) return 'data';
  return 'directives';
}

// ---------------------------------------------------------------------------------------------
// Version helpers

function verOf(tag) { const m = /^release-(\d+\.\d+\.\d+)$/.exec(tag); return m ? m[1] : null; }
function cmpVer(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d) return d;
  }
  return 0;
}

/** Collects observations per key across versions; emits one record per contiguous run. */
class RangeCollector {
  constructor() { this.map = new Map(); }
  add(key, index, rec) {
    let e = this.map.get(key);
    if (!e) { e = { rec, seen: new Set() }; this.map.set(key, e); }
    e.rec = rec; // newest observation wins for non-key fields
    e.seen.add(index);
  }
  emit(versions) {
    const out = [];
    let gaps = 0;
    for (const { rec, seen } of this.map.values()) {
      const idx = [...seen].sort((a, b) => a - b);
      let runStart = idx[0];
      for (let k = 1; k <= idx.length; k++) {
        if (k === idx.length || idx[k] !== idx[k - 1] + 1) {
          const runEnd = idx[k - 1];
          const r = { ...rec, since: versions[runStart] };
          if (runEnd !== versions.length - 1) r.until = versions[runEnd];
          out.push(r);
          if (k < idx.length) { gaps++; runStart = idx[k]; }
        }
      }
    }
    return { records: out, gaps };
  }
}

// ---------------------------------------------------------------------------------------------
// nginx sources across tags

function familyForPath(p) {
  const m = /^src\/(http|stream|mail|event|core)\//.exec(p);
  return m ? m[1] : null;
}

const nginxSrc = new Source(inputPaths.nginx);
const blobCache = new Map();
const parseCache = new Map();
function parsed(src, id) {
  let r = parseCache.get(id);
  if (!r) { r = parseCFile(src.read([id], blobCache).get(id)); parseCache.set(id, r); }
  return r;
}

let tags;
if (nginxSrc.gitDir) {
  const all = nginxSrc.tags().filter((t) => verOf(t)).sort((a, b) => cmpVer(verOf(a), verOf(b)));
  const from = verOf(opts.from);
  const to = opts.to ? verOf(opts.to) : null;
  if (!from || (opts.to && !to)) usage('--from/--to must be release-X.Y.Z tags');
  tags = all.filter((t) => cmpVer(verOf(t), from) >= 0 && (!to || cmpVer(verOf(t), to) <= 0));
  if (!tags.length) usage(`no release tags in range ${opts.from}..${opts.to || 'newest'}`);
} else {
  const h = fs.readFileSync(path.join(nginxSrc.workTree, 'src/core/nginx.h'), 'latin1');
  const v = /#define\s+NGINX_VERSION\s+"([\d.]+)"/.exec(h);
  if (!v) usage('cannot read NGINX_VERSION from a non-git nginx tree');
  tags = [null];
  note(`nginx input is not a git repository: only the work tree (${v[1]}) was read`);
  tags.versionOverride = v[1];
}
const versions = tags[0] === null ? [tags.versionOverride] : tags.map(verOf);
const newestIndex = versions.length - 1;

const directiveRanges = new RangeCollector();
const paramRanges = new RangeCollector();

/** Handlers whose parameters are read by comparing words ("backup", "weight=", ...); the functions named parse them. */
const PARAM_HANDLERS = [
  { directive: 'server', module: 'ngx_http_upstream_module', fns: ['ngx_http_upstream_server'] },
  { directive: 'server', module: 'ngx_stream_upstream_module', fns: ['ngx_stream_upstream_server'] },
  { directive: 'listen', module: 'ngx_http_core_module', fns: ['ngx_http_core_listen'] },
  { directive: 'listen', module: 'ngx_stream_core_module', fns: ['ngx_stream_core_listen'] },
  { directive: 'listen', module: 'ngx_mail_core_module', fns: ['ngx_mail_core_listen'] },
  { directive: 'limit_req', module: 'ngx_http_limit_req_module', fns: ['ngx_http_limit_req'] },
  { directive: 'limit_req_zone', module: 'ngx_http_limit_req_module', fns: ['ngx_http_limit_req_zone'] },
  { directive: 'limit_conn_zone', module: 'ngx_http_limit_conn_module', fns: ['ngx_http_limit_conn_zone'] },
  { directive: 'proxy_cache_path', module: 'ngx_http_proxy_module', fns: ['ngx_http_file_cache_set_slot'] },
  { directive: 'resolver', module: 'ngx_http_core_module', fns: ['ngx_resolver_create'] },
];

/** The body of a C function defined at the start of a line, or null. */
function functionBody(text, name) {
  const at = text.indexOf(`\n${name}(`);
  if (at < 0) return null;
  const open = text.indexOf('{', at);
  if (open < 0) return null;
  const close = matchBrace(text, open);
  return close < 0 ? null : text.slice(open, close + 1);
}

/** Words a handler compares its arguments with: "name" or "name=" (values after "=" are not parameters). */
function handlerWords(cFiles, fn) {
  const out = new Set();
  for (const f of cFiles) {
    const body = functionBody(parsed(nginxSrc, f.id).text, fn);
    if (!body) continue;
    const re = /\bngx_str(?:n)?(?:case)?cmp\s*\(\s*(?:value|names)\[\w+\]\.data\s*,\s*(?:\(u_char \*\)\s*)?"([^"]+)"/g;
    for (let m; (m = re.exec(body)); ) {
      const w = m[1].includes('=') ? m[1].slice(0, m[1].indexOf('=') + 1) : m[1];
      if (/^[a-z][a-z0-9_]*=?$/.test(w)) out.add(w);
    }
    break;
  }
  return out;
}
const variableRanges = new RangeCollector();
let newestBits = null;
let newestHeaderDefs = null;
const dupNotes = new Set();
const emptyArgs = new Set();

// Per-release defaults (scripts/catalog-defaults.mjs): "module:directive" -> per release {expr, value}.
const defaultsPerRelease = new Map();
const defaultsCache = new Map();
function collectDefaults(f, p, base, ti, lookup) {
  let d = defaultsCache.get(f.id);
  if (!d) {
    const text = cleanC(blobCache.get(f.id));
    const h = { findArrays, entries, ngxString, splitTop };
    d = { exprs: defaultExpressions(text, h, (table) => p.modules.get(table)?.module || base), enums: enumConstants(text, h) };
    defaultsCache.set(f.id, d);
  }
  for (const [key, x] of d.exprs) {
    if (!defaultsPerRelease.has(key)) defaultsPerRelease.set(key, []);
    defaultsPerRelease.get(key)[ti] = { expr: x.expr, value: translate(x, d.enums, lookup) };
  }
}

for (let ti = 0; ti < tags.length; ti++) {
  const tag = tags[ti];
  const files = nginxSrc.list(tag, 'src').filter((f) => /\.[ch]$/.test(f.path));
  nginxSrc.read(files.map((f) => f.id), blobCache);

  // Defines: headers grouped by top directory; a .c file sees core+event+its own family + itself.
  const headerDefs = {};
  for (const f of files.filter((x) => x.path.endsWith('.h'))) {
    const fam = familyForPath(f.path) || 'other';
    const defs = parsed(nginxSrc, f.id).defines;
    headerDefs[fam] ||= new Map();
    for (const [k, v] of defs) headerDefs[fam].set(k, v);
  }
  const lookupFor = (fam, local) => (name) =>
    local?.get(name) ?? headerDefs[fam]?.get(name) ?? headerDefs.core?.get(name) ?? headerDefs.event?.get(name)
    ?? headerDefs.http?.get(name) ?? headerDefs.stream?.get(name) ?? headerDefs.mail?.get(name);
  const bits = bitTable(lookupFor('core', null), tag || 'worktree');
  if (ti === newestIndex) { newestBits = bits; newestHeaderDefs = headerDefs; }

  // Exported enum/bitmask tables (e.g. ngx_http_upstream_cache_method_mask) for cross-file posts.
  const globalEnums = new Map();
  const cFiles = files.filter((x) => x.path.endsWith('.c'));
  for (const f of cFiles) for (const [k, v] of parsed(nginxSrc, f.id).enums) if (v.exported) globalEnums.set(k, v.values);

  for (const f of cFiles) {
    const p = parsed(nginxSrc, f.id);
    const dirFam = familyForPath(f.path);
    const base = path.basename(f.path, '.c');
    collectDefaults(f, p, base, ti, lookupFor(dirFam || 'core', p.defines));
    if (p.commands.length) {
      const seen = new Map();
      for (const c of p.commands) {
        const mod = p.modules.get(c.table);
        const family = dirFam || MODULE_TYPES[mod?.type] || 'core';
        const module = mod?.module || base;
        const fl = evalFlags(c.flags, lookupFor(family, p.defines));
        for (const u of fl.unresolved) unresolved(u, `${f.path} ${c.name}`);
        const d = decodeFlags(fl.value, family, bits);
        if (d.leftover) unresolved(`context bits 0x${d.leftover.toString(16)} (${family})`, `${f.path} ${c.name}`);
        if (!d.args) emptyArgs.add(`${c.name} (${f.path}@${tag})`);
        const values = p.enums.get(c.post)?.values ?? globalEnums.get(c.post);
        const rec = {
          name: c.name, module, family, source: 'nginx', contexts: d.contexts, args: d.args, block: d.block,
        };
        if (SLOT_TYPES[c.handler]) rec.valueType = SLOT_TYPES[c.handler];
        if (values && values.length) rec.values = values;
        flagWithValues(rec);
        if (rec.block) rec.bodyKind = bodyKindFor(c.name, family);
        const dk = `${module}:${c.name}`;
        if (seen.has(dk)) {
          // same directive listed twice in one module (#if/#else branches): merge
          const prev = seen.get(dk);
          if (JSON.stringify(prev) !== JSON.stringify(rec)) dupNotes.add(`${c.name} in ${f.path}`);
          prev.contexts = sortContexts([...prev.contexts, ...rec.contexts]);
          continue;
        }
        seen.set(dk, rec);
      }
      for (const rec of seen.values()) {
        const key = JSON.stringify([rec.name, rec.family, rec.module, rec.contexts, rec.args, rec.block, rec.values || null, rec.valueType || null]);
        directiveRanges.add(key, ti, rec);
      }
    }
    for (const v of p.variables) {
      const family = dirFam === 'stream' ? 'stream' : 'http';
      const prefix = v.prefix || v.name.endsWith('_');
      const rec = { name: v.name, family, module: base, source: 'nginx' };
      if (prefix) rec.prefix = true;
      if (v.changeable) rec.changeable = true;
      variableRanges.add(JSON.stringify([v.name, family, base, prefix, !!v.changeable]), ti, rec);
    }
  }
  // Parameters that directive handlers compare by name (parameters.json), per release.
  for (const h of PARAM_HANDLERS) {
    const words = new Set();
    for (const fn of h.fns) for (const w of handlerWords(cFiles, fn)) words.add(w);
    for (const w of words) paramRanges.add(JSON.stringify([h.directive, h.module, w]), ti, { directive: h.directive, module: h.module, name: w });
  }
  log(`${tag}: ${cFiles.length} .c files`);
}

// ---------------------------------------------------------------------------------------------
// Third-party modules (newest snapshot only)

const provenanceSources = [{ repo: INPUTS.nginx.repo, commit: nginxSrc.head(), tags: tags.filter(Boolean) }];
const thirdParty = [];
const thirdPartyVars = [];
const thirdPartyCounts = {};

for (const key of ['lua', 'stream-lua', 'headers-more', 'njs', 'ndk']) {
  if (!inputPaths[key]) { note(`--${key} not given: ${INPUTS[key].repo} skipped`); continue; }
  let src;
  try { src = new Source(inputPaths[key]); } catch (e) { note(`${INPUTS[key].repo}: ${e.message}`); continue; }
  provenanceSources.push({ repo: INPUTS[key].repo, commit: src.head() });
  const files = src.list(null, '').filter((f) => /\.[ch]$/.test(f.path) && !/^(examples|t|test|tests)\//.test(f.path));
  src.read(files.map((f) => f.id), blobCache);
  const own = new Map();
  for (const f of files.filter((x) => x.path.endsWith('.h'))) for (const [k, v] of parsed(src, f.id).defines) own.set(k, v);
  const ngxLookup = (name) => newestHeaderDefs.core?.get(name) ?? newestHeaderDefs.event?.get(name)
    ?? newestHeaderDefs.http?.get(name) ?? newestHeaderDefs.stream?.get(name) ?? newestHeaderDefs.mail?.get(name);
  const globalEnums = new Map();
  for (const f of files.filter((x) => x.path.endsWith('.c'))) for (const [k, v] of parsed(src, f.id).enums) globalEnums.set(k, v.values);
  let count = 0;
  const seenNames = new Set();
  for (const f of files.filter((x) => x.path.endsWith('.c'))) {
    const p = parsed(src, f.id);
    const base = path.basename(f.path, '.c');
    const famFromName = /^ngx_http_/.test(base) ? 'http' : /^ngx_stream_/.test(base) ? 'stream' : /^ngx_mail_/.test(base) ? 'mail' : null;
    for (const c of p.commands) {
      const mod = p.modules.get(c.table);
      const family = famFromName || MODULE_TYPES[mod?.type] || 'core';
      const module = mod?.module || base;
      const lookup = (n) => p.defines.get(n) ?? own.get(n) ?? ngxLookup(n);
      const fl = evalFlags(c.flags, lookup);
      for (const u of fl.unresolved) unresolved(u, `${INPUTS[key].repo}:${f.path} ${c.name}`);
      const d = decodeFlags(fl.value, family, newestBits);
      if (d.leftover) unresolved(`context bits 0x${d.leftover.toString(16)} (${family})`, `${INPUTS[key].repo}:${f.path} ${c.name}`);
      if (!d.args) emptyArgs.add(`${c.name} (${INPUTS[key].repo}:${f.path})`);
      const rec = { name: c.name, module, family, source: INPUTS[key].source, contexts: d.contexts, args: d.args, block: d.block };
      if (SLOT_TYPES[c.handler]) rec.valueType = SLOT_TYPES[c.handler];
      const values = p.enums.get(c.post)?.values ?? globalEnums.get(c.post);
      if (values && values.length) rec.values = values;
      flagWithValues(rec);
      if (rec.block) rec.bodyKind = bodyKindFor(c.name, family);
      const k = JSON.stringify([rec.name, rec.family, rec.module]);
      if (seenNames.has(k)) continue; // same table compiled into several files (njs core commands)
      seenNames.add(k);
      thirdParty.push(rec);
      count++;
    }
    for (const v of p.variables) {
      const rec = { name: v.name, family: famFromName === 'stream' ? 'stream' : 'http', module: base, source: INPUTS[key].source };
      if (v.prefix || v.name.endsWith('_')) rec.prefix = true;
      thirdPartyVars.push(rec);
    }
  }
  thirdPartyCounts[INPUTS[key].source] = count;
  if (!count) note(`${INPUTS[key].repo}: no directive tables found outside examples/tests`);
}

// ---------------------------------------------------------------------------------------------
// nginx.org docs

function xmlText(s) {
  return s.replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ').trim();
}

const DOC_CONTEXTS = {
  http: { main: ['main'], http: ['http'], server: ['server'], location: ['location'], upstream: ['upstream'],
    'if in location': ['if_location'], 'if in server': ['if_server'], if: ['if_server', 'if_location'],
    limit_except: ['limit_except'], events: ['events'], stream: ['stream'], mail: ['mail'] },
  stream: { main: ['main'], stream: ['stream'], server: ['stream_server'], upstream: ['stream_upstream'] },
  mail: { main: ['main'], mail: ['mail'], server: ['mail_server'] },
};

const docsParams = new Map(); // "directive|module" -> [{ name, commercial }]
const docs = []; // {name, module, family, link, syntax[], block, default, contexts[], appearedIn, commercial, obsolete}
let docsCommit = null;
if (inputPaths.docs) {
  const src = new Source(inputPaths.docs);
  docsCommit = src.head();
  provenanceSources.push({ repo: INPUTS.docs.repo, commit: docsCommit, license: 'BSD-2-Clause', paths: 'xml/en/docs' });
  const files = src.list(null, 'xml/en/docs').filter((f) => /(^|\/)ngx_\w+_module\.xml$/.test(f.path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  src.read(files.map((f) => f.id), blobCache);
  for (const f of files) {
    const xml = blobCache.get(f.id);
    const module = path.basename(f.path, '.xml');
    const dir = path.dirname(f.path).replace(/^xml\/en\/docs\/?/, '');
    const family = ['http', 'stream', 'mail'].includes(dir) ? dir : 'core';
    const linkM = /<module\b[^>]*\blink="([^"]+)"/.exec(xml);
    const link = `https://nginx.org${linkM ? linkM[1] : `/en/docs/${dir ? dir + '/' : ''}${module}.html`}`;
    const summary = /<section id="summary"[^>]*>([\s\S]*?)<\/section>/.exec(xml)?.[1] || '';
    const externalSource = /source code of the module is available/i.test(xmlText(summary));
    const moduleCommercial = !externalSource && /<commercial_version>/.test(summary);
    const obsolete = /\bsuperseded\b/i.test(xmlText(summary));
    const re = /<directive\s+name="([^"]+)"\s*>([\s\S]*?)<\/directive>/g;
    let m;
    while ((m = re.exec(xml))) {
      const [, name, body] = m;
      if (PARAM_HANDLERS.some((h) => h.directive === name && h.module === module)) {
        const list = [];
        const tagRe = /<tag-name[^>]*>\s*<literal>([a-z][a-z0-9_]*)<\/literal>(=?)([\s\S]*?)(?=<tag-name|<\/list>|$)/g;
        for (let t; (t = tagRe.exec(body)); ) list.push({ name: t[1] + t[2], commercial: /<commercial_version>/.test(t[3]) });
        docsParams.set(`${name}|${module}`, list);
      }
      const syntax = [];
      let block = false;
      for (const s of body.matchAll(/<syntax(\s+block="yes")?\s*(?:\/>|>([\s\S]*?)<\/syntax>)/g)) {
        const t = s[2] ? xmlText(s[2]) : '';
        if (s[1]) block = true;
        syntax.push(`${name}${t ? ' ' + t : ''}${s[1] ? ' { ... }' : ';'}`);
      }
      const defs = [...body.matchAll(/<default\s*(?:\/>|>([\s\S]*?)<\/default>)/g)].map((d) => (d[1] ? xmlText(d[1]) : ''));
      // value text only; several <default> elements (e.g. proxy_set_header) are joined with "\n"
      const def = defs.filter(Boolean).length ? defs.filter(Boolean).join('\n') : null;
      const ctxTexts = [...body.matchAll(/<context\s*(?:\/>|>([\s\S]*?)<\/context>)/g)].map((c) => (c[1] ? xmlText(c[1]) : ''));
      const appeared = [...body.matchAll(/<appeared-in>([\s\S]*?)<\/appeared-in>/g)].map((a) => xmlText(a[1]));
      // commercial-only: the directive itself says it is part of the subscription (not "prior to ...")
      const removed = /\bwas removed in\b/i.test(xmlText(body));
      const paras = body.split(/<\/?(?:para|note)>/);
      const dirCommercial = paras.some((pp) => /<commercial_version>/.test(pp) && !/prior to|before|until|since version/i.test(xmlText(pp)));
      docs.push({ name, module, family, dir, link: `${link}#${name}`, syntax, block, default: def, ctxTexts,
        appearedIn: appeared.length ? appeared.join(', ') : null, commercial: moduleCommercial || dirCommercial, obsolete: obsolete || removed });
    }
  }
} else {
  note('--docs not given: no syntax/default/docs fields and no docs-only (commercial) directives');
}

/** Maps the docs' context strings to our names for a docs-only record. */
function docContexts(d) {
  let fam = d.family;
  if (fam === 'core') {
    const t = new Set(d.ctxTexts);
    fam = ['http', 'server', 'location', 'upstream', 'if', 'if in location', 'limit_except'].some((c) => t.has(c)) ? 'http'
      : t.has('stream') ? 'stream' : t.has('mail') ? 'mail' : t.has('events') ? 'event' : 'core';
  }
  const table = DOC_CONTEXTS[fam] || DOC_CONTEXTS.http;
  const out = [];
  for (const c of d.ctxTexts) {
    if (c === '') out.push('any');
    else if (table[c]) out.push(...table[c]);
    else out.push(c.replace(/\s+/g, '_')); // product-specific blocks, e.g. oidc_provider, mgmt
  }
  return { family: fam, contexts: sortContexts(out) };
}

// ---------------------------------------------------------------------------------------------
// Assemble directives

const { records: nginxRecords, gaps: dirGaps } = directiveRanges.emit(versions);
const allRecords = [...nginxRecords, ...thirdParty];

const docsByName = new Map();
for (const d of docs) { if (!docsByName.has(d.name)) docsByName.set(d.name, []); docsByName.get(d.name).push(d); }
const usedDocs = new Set();
function findDoc(rec) {
  const list = docsByName.get(rec.name);
  if (!list) return null;
  const exact = list.find((d) => d.module === rec.module)
    || list.find((d) => d.module === rec.module.replace(/_core_module$/, '_module') && d.family === rec.family);
  if (exact || rec.source !== 'nginx') return exact || null; // third-party: only their own pages (njs)
  // Otherwise (directive documented on another module's page, e.g. the upstream keepalive module's
  // directives on ngx_http_upstream_module, or events/error_log on ngx_core_module): prefer the
  // same family and overlapping contexts.
  let best = null;
  let bestScore = 0;
  for (const d of list) {
    const dc = docContexts(d);
    let score = 0;
    if (dc.family === rec.family || (d.family === 'core' && (rec.family === 'core' || rec.family === 'event'))) score += 2;
    if (dc.contexts.some((c) => rec.contexts.includes(c))) score += 1;
    if (score > bestScore) { best = d; bestScore = score; }
  }
  return best;
}
for (const rec of allRecords) {
  const d = findDoc(rec);
  if (!d) continue;
  usedDocs.add(d);
  if (d.syntax.length) rec.syntax = d.syntax;
  rec.default = d.default;
  rec.docs = d.link;
  if (d.appearedIn) rec.appearedIn = d.appearedIn;
}
// defaults that changed between releases (every record of the directive carries the whole history)
const { histories: defaultHistories, problems: defaultProblems } = histories(defaultsPerRelease, versions);
for (const rec of allRecords) {
  // (a change of notation only, e.g. limit_rate 0 -> NULL in 1.27.0, is no change of value)
  const h = rec.source === 'nginx' ? defaultHistories.get(`${rec.module}:${rec.name}`)?.filter((x) => x.default !== (rec.default ?? null)) : undefined;
  if (h?.length) rec.defaultHistory = h;
}
for (const x of defaultProblems) note(`default changed but could not be read: ${x}`);
const skippedObsolete = [];
const docsOnly = [];
for (const d of docs) {
  if (usedDocs.has(d)) continue;
  if (d.obsolete) { skippedObsolete.push(`${d.name} (${d.module})`); continue; }
  const { family, contexts } = docContexts(d);
  const emptySyntax = d.syntax.length > 0 && d.syntax.every((s) => s === `${d.name};` || s === `${d.name} { ... }`);
  const rec = { name: d.name, module: d.module, family, source: 'docs', contexts, args: emptySyntax ? '0' : 'any', block: d.block };
  if (d.block) rec.bodyKind = bodyKindFor(d.name, family);
  if (d.syntax.length) rec.syntax = d.syntax;
  rec.default = d.default;
  rec.docs = d.link;
  if (d.appearedIn) rec.appearedIn = d.appearedIn;
  if (d.commercial) rec.commercial = true;
  docsOnly.push(rec);
}
allRecords.push(...docsOnly);

const FIELD_ORDER = ['name', 'module', 'family', 'source', 'contexts', 'args', 'block', 'since', 'until', 'valueType',
  'values', 'bodyKind', 'syntax', 'default', 'defaultHistory', 'docs', 'appearedIn', 'commercial'];
function ordered(rec) {
  const o = {};
  for (const k of FIELD_ORDER) if (rec[k] !== undefined) o[k] = rec[k];
  return o;
}
const str = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
function cmpRecord(a, b) {
  return str(a.name, b.name) || str(a.family, b.family)
    || (a.since && b.since ? cmpVer(a.since, b.since) : a.since ? -1 : b.since ? 1 : 0)
    || str(a.source, b.source) || str(a.module, b.module) || str(JSON.stringify(a), JSON.stringify(b));
}
const directives = allRecords.map(ordered).sort(cmpRecord);

// ---------------------------------------------------------------------------------------------
// Assemble variables

const { records: varRecords, gaps: varGaps } = variableRanges.emit(versions);
const variables = [...varRecords, ...thirdPartyVars]
  .map((r) => { const o = {}; for (const k of ['name', 'family', 'module', 'since', 'until', 'prefix', 'changeable', 'source']) if (r[k] !== undefined) o[k] = r[k]; return o; })
  .sort((a, b) => str(a.name, b.name) || str(a.family, b.family)
    || (a.since && b.since ? cmpVer(a.since, b.since) : a.since ? -1 : b.since ? 1 : 0) || str(a.module, b.module));

// ---------------------------------------------------------------------------------------------
// Write

const cmdParts = ['node scripts/gen-catalog.mjs'];
for (const k of Object.keys(INPUTS)) if (inputPaths[k]) cmdParts.push(`--${k} ${INPUTS[k].repo}`);
if (nginxSrc.gitDir) {
  cmdParts.push(`--from ${opts.from}`);
  if (opts.to) cmdParts.push(`--to ${opts.to}`);
}
const provenance = {
  generatedBy: 'scripts/gen-catalog.mjs',
  command: cmdParts.join(' '),
  sources: provenanceSources,
};

function writeJson(file, head, key, list) {
  const lines = [];
  lines.push('{');
  for (const [k, v] of Object.entries(head)) lines.push(`  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')},`);
  lines.push(`  ${JSON.stringify(key)}: [`);
  lines.push(list.map((r) => '    ' + JSON.stringify(r)).join(',\n'));
  lines.push('  ]');
  lines.push('}');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
}
writeJson(path.join(opts.outDir, 'directives.json'), { provenance, versions }, 'directives', directives);
// Parameters: open source ranges from the handlers, NGINX Plus-only ones from the docs' parameter lists.
const { records: paramRecords } = paramRanges.emit(versions);
for (const [key, list] of docsParams) {
  const [directive, module] = key.split('|');
  for (const d of list) {
    const own = paramRecords.filter((r) => r.directive === directive && r.module === module && r.name === d.name);
    if (own.length) { if (d.commercial) for (const r of own) r.commercial = true; }
    else paramRecords.push({ directive, module, name: d.name, plus: true });
  }
}
const parameters = paramRecords
  .map((r) => { const o = {}; for (const k of ['directive', 'module', 'name', 'since', 'until', 'plus', 'commercial']) if (r[k] !== undefined) o[k] = r[k]; return o; })
  .sort((a, b) => str(a.directive, b.directive) || str(a.module, b.module) || str(a.name, b.name) || (a.since && b.since ? cmpVer(a.since, b.since) : 0));
writeJson(path.join(opts.outDir, 'parameters.json'), { provenance, versions }, 'parameters', parameters);
// the docs are not used for variables
const varProvenance = { ...provenance, sources: provenanceSources.filter((x) => x.repo !== INPUTS.docs.repo) };
writeJson(path.join(opts.outDir, 'variables.json'), { provenance: varProvenance }, 'variables', variables);

// ---------------------------------------------------------------------------------------------
// Summary (stderr)

const famNames = {};
for (const r of directives) (famNames[`${r.source}/${r.family}`] ||= new Set()).add(r.name);
console.error(`gen-catalog: ${versions.length} nginx versions (${versions[0]} .. ${versions[newestIndex]})`);
console.error(`gen-catalog: ${directives.length} directive records, ${new Set(directives.map((r) => r.name)).size} distinct names`);
for (const k of Object.keys(famNames).sort()) console.error(`  ${k}: ${famNames[k].size} names`);
console.error(`gen-catalog: ${docs.length} docs entries, ${docsOnly.length} docs-only records (${docsOnly.filter((r) => r.commercial).length} commercial)`);
if (skippedObsolete.length) console.error(`gen-catalog: skipped docs-only directives that are obsolete/removed: ${skippedObsolete.join(', ')}`);
console.error(`gen-catalog: ${variables.length} variable records, ${new Set(variables.map((r) => r.name)).size} distinct names`);
if (dirGaps || varGaps) console.error(`gen-catalog: non-contiguous version ranges split: ${dirGaps} directive, ${varGaps} variable`);
if (dupNotes.size) console.error(`gen-catalog: directives listed twice in one module with different flags (merged): ${[...dupNotes].join(', ')}`);
if (emptyArgs.size) console.error(`gen-catalog: directives without argument flags: ${[...emptyArgs].join(', ')}`);
for (const [what, where] of report.unresolved) console.error(`gen-catalog: unresolved ${what}: ${[...where].slice(0, 5).join('; ')}${where.size > 5 ? ` (+${where.size - 5})` : ''}`);
for (const n of report.notes) console.error(`gen-catalog: note: ${n}`);
console.error(`gen-catalog: wrote ${path.relative(ROOT, path.join(opts.outDir, 'directives.json'))} and variables.json in ${((Date.now() - started) / 1000).toFixed(1)}s`);
