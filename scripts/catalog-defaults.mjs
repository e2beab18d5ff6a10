// Per-release defaults of nginx directives, read from nginx's sources (used by gen-catalog.mjs).
//
// The docs give one default: today's. A few changed between releases (proxy_http_version was 1.0
// before 1.29.7, keepalive_requests 100 before 1.19.10, ssl_protocols gained TLSv1.3 in 1.23.4 and
// lost TLSv1/TLSv1.1 in 1.27.3). Each release's default is read where nginx sets it:
//   * the command table's `offsetof(conf_t, FIELD)` names the field a directive fills;
//   * `ngx_conf_merge_*_value(conf->FIELD, prev->FIELD, DEFAULT)` and
//     `ngx_conf_init_*_value(x->FIELD, DEFAULT)` give the value nginx uses when nothing sets it;
//   * the upstream keepalive module's cache size comes from its init code: a `max_cached = N`
//     under the "not set" guard (1.29.7 on; `local = 1` there means "N local"), otherwise no cache.
// The expression is compared across releases; where a release's expression differs from the
// newest one, its value is translated (numbers, times, sizes, enum words, bitmask words) and
// recorded as `defaultHistory` on the directive's records. An expression that cannot be
// translated is reported, never guessed.

/**
 * One parsed C file -> Map "module:directive" -> { kind, expr } (the DEFAULT expression as
 * written, whitespace squeezed). `h` holds gen-catalog's C helpers (findArrays, entries, ngxString).
 */
export function defaultExpressions(text, h, moduleOfTable) {
  const out = new Map();
  if (!text.includes('ngx_command_t')) return out;
  // FIELD -> { kind, expr } from merge/init calls (the last one written wins, as in nginx's code order)
  const byField = new Map();
  const re = /\bngx_conf_(merge|init)_(\w+?)_value\s*\(([^;]*?)\)\s*;/gs;
  let m;
  while ((m = re.exec(text))) {
    const args = h.splitTop(m[3]);
    const field = fieldOf(args[0]);
    if (!field) continue;
    const rest = m[1] === 'merge' ? args.slice(2) : args.slice(1);
    if (!rest.length) continue;
    // a merge after an init of the same field (or vice versa) would be a second default: keep the first
    if (!byField.has(field)) byField.set(field, { kind: m[2], expr: rest.map(squeeze).join(', ') });
  }
  for (const t of h.findArrays(text, 'ngx_command_t')) {
    const module = moduleOfTable(t.name);
    for (const f of h.entries(t.body)) {
      const name = h.ngxString(f[0]);
      if (name === null) continue;
      const off = /offsetof\s*\(\s*\w+\s*,\s*([\w.[\]]+)\s*\)/.exec(f[4] || '');
      if (!off) continue;
      const d = byField.get(off[1]);
      if (d) out.set(`${module}:${name}`, { ...d, post: (f[5] || '').replace(/^\(\s*void\s*\*\s*\)\s*/, '').replace(/^&\s*/, '').trim() });
    }
  }
  // the upstream keepalive cache (no field default: see the head comment)
  if (/ngx_http_upstream_keepalive_module\s*=/.test(text)) {
    const guard = /if\s*\(\s*\w+->max_cached\s*==\s*NGX_CONF_UNSET_UINT\s*\)\s*\{([^}]*)\}/.exec(text);
    const n = guard ? /max_cached\s*=\s*(\d+)\s*;/.exec(guard[1]) : null;
    const local = guard ? /->local\s*=\s*1\s*;/.test(guard[1]) : false;
    out.set('ngx_http_upstream_keepalive_module:keepalive', { kind: 'keepalive', expr: n ? `${n[1]}${local ? ' local' : ''}` : 'none' });
  }
  return out;
}

function fieldOf(arg) {
  // conf->upstream.read_timeout, kcf->requests, conf->ssl_protocols
  const m = /^\(?\s*\w+\s*->\s*([\w.[\]]+)\s*\)?$/.exec((arg || '').trim());
  return m ? m[1] : null;
}

function squeeze(s) {
  return s.replace(/\s+/g, ' ').replace(/\(\s+/g, '(').replace(/\s+\)/g, ')').replace(/\s*\|\s*/g, '|').trim();
}

/** Values that all mean "not set" (no default): differences between them are not changes. */
function unsetLike(expr) {
  return /^(NULL|""|NGX_CONF_UNSET\w*|none)$/.test(expr.replace(/^\(\w+(\s*\*)?\)\s*/, ''));
}

/**
 * Translates a default expression into the catalog's notation ("60s", "4k|8k", "8 4k|8k",
 * "1.0", "TLSv1 TLSv1.1"), or undefined when it cannot. `enums`: post table name -> [[word,
 * constant]]; `lookup`: #define name -> value.
 */
export function translate(d, enums, lookup) {
  const e = d.expr.replace(/^\(\s*(?:size_t|off_t|ngx_uint_t|ngx_msec_t|time_t)\s*\)\s*/, '');
  if (d.kind === 'keepalive') return e === 'none' ? null : e;
  if (unsetLike(e)) return null;
  const num = evalNumber(e, lookup);
  switch (d.kind) {
    case 'msec': return num === undefined ? undefined : timeText(num, 1);
    case 'sec': return num === undefined ? undefined : timeText(num * 1000, 1);
    case 'size':
    case 'off': return /ngx_pagesize/.test(e) ? pageText(e) : num === undefined ? undefined : sizeText(num);
    case 'bufs': {
      const [count, size] = d.expr.split(', ');
      const n = evalNumber(count || '', lookup);
      const s = /ngx_pagesize/.test(size || '') ? pageText(size) : sizeText(evalNumber(size || '', lookup));
      return n === undefined || s === undefined ? undefined : `${n} ${s}`;
    }
    case 'bitmask': {
      const table = enums.get(d.post);
      if (!table) return undefined;
      const bits = expandNames(e, lookup);
      const words = table.filter(([, c]) => bits.has(c)).map(([w]) => w);
      return words.length ? words.join(' ') : undefined;
    }
    case 'uint':
    case '': {
      const table = enums.get(d.post);
      if (table) {
        const hit = table.find(([, c]) => c === e);
        if (hit) return hit[0];
      }
      if (d.kind === '' && (e === '0' || e === '1') && !table) return e === '1' ? 'on' : 'off';
      return num === undefined ? undefined : String(num);
    }
    default:
      return undefined;
  }
}

/** A numeric constant expression ("2 * 1024 * 1024", "60000", a #define of one), or undefined. */
function evalNumber(e, lookup, depth = 0) {
  const s = e.trim();
  if (/^\d+$/.test(s)) return Number(s);
  if (/^[\d\s*+()]+$/.test(s)) {
    const parts = s.replace(/[()]/g, '').split('*').map((x) => x.trim());
    if (parts.every((p) => /^\d+$/.test(p))) return parts.reduce((a, b) => a * Number(b), 1);
    return undefined;
  }
  if (/^[A-Z_][A-Z0-9_]*$/.test(s) && depth < 5) {
    const v = lookup(s);
    return v === undefined ? undefined : evalNumber(v, lookup, depth + 1);
  }
  return undefined;
}

/** The constant names an |-expression sets, #defines expanded. */
function expandNames(e, lookup, depth = 0, out = new Set()) {
  for (const tok of e.replace(/[()]/g, ' ').split(/[\s|]+/).filter(Boolean)) {
    const v = depth < 5 ? lookup(tok) : undefined;
    if (v !== undefined && /[|]|^\(?[A-Z_]/.test(v) && v !== tok) expandNames(v, lookup, depth + 1, out);
    else out.add(tok);
  }
  return out;
}

function timeText(ms, _unit) {
  if (ms === 0) return '0';
  if (ms % 3600000 === 0) return `${ms / 3600000}h`;
  if (ms % 60000 === 0 && ms >= 600000) return `${ms / 60000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function sizeText(n) {
  if (n === undefined) return undefined;
  if (n === 0) return '0';
  if (n % (1024 * 1024) === 0) return `${n / (1024 * 1024)}m`;
  if (n % 1024 === 0) return `${n / 1024}k`;
  return String(n);
}

/** ngx_pagesize (4k or 8k: one memory page), possibly multiplied. */
function pageText(e) {
  const k = /(\d+)\s*\*\s*ngx_pagesize|ngx_pagesize\s*\*\s*(\d+)/.exec(e);
  const f = k ? Number(k[1] || k[2]) : 1;
  return `${4 * f}k|${8 * f}k`;
}

/** Enum/bitmask tables of a file with their constants: name -> [[word, constant]]. */
export function enumConstants(text, h) {
  const out = new Map();
  for (const t of h.findArrays(text, 'ngx_conf_enum_t|ngx_conf_bitmask_t')) {
    const rows = [];
    for (const f of h.entries(t.body)) {
      const w = h.ngxString(f[0]);
      if (w !== null && f[1]) rows.push([w, f[1].trim()]);
    }
    out.set(t.name, rows);
  }
  return out;
}

/**
 * Per-release expressions (Map key -> Array over releases of {expr, value} | undefined) -> the
 * history of each key: runs of releases whose expression differs from the newest release's,
 * with the translated value. Untranslatable runs are returned in `problems`.
 */
export function histories(perRelease, versions) {
  const out = new Map();
  const problems = [];
  for (const [key, list] of perRelease) {
    const newest = list[list.length - 1];
    if (!newest) continue;
    const runs = [];
    for (let i = 0; i < list.length; i++) {
      const x = list[i];
      if (!x || x.expr === newest.expr || (unsetLike(x.expr) && unsetLike(newest.expr))) continue;
      const last = runs[runs.length - 1];
      if (last && last.to === i - 1 && last.expr === x.expr) last.to = i;
      else runs.push({ from: i, to: i, expr: x.expr, value: x.value });
    }
    if (!runs.length) continue;
    const bad = runs.filter((r) => r.value === undefined);
    if (bad.length) {
      problems.push(`${key}: ${bad.map((r) => `"${r.expr}" (${versions[r.from]}..${versions[r.to]})`).join(', ')}`);
      continue;
    }
    out.set(key, runs.map((r) => {
      const h = {};
      if (r.from > 0) h.since = versions[r.from];
      h.until = versions[r.to];
      h.default = r.value;
      return h;
    }));
  }
  return { histories: out, problems };
}
