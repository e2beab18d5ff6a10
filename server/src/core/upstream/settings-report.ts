// The effective settings of a block that passes requests to a backend, grouped the way people
// look for them during a 502 (the guide's `nginx -T | grep timeout` and `grep buffer`, done with
// nginx's inheritance): timeouts, retries, buffers, keepalive, HTTP version, headers and TLS to
// the backend. Each value says where it comes from: the directive (file and line, at which level)
// or nginx's default for the version. `nginx-doctor settings`, the editor's "Show Effective
// Settings" and the doctor's failing-location rows read it.
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default-catalog';
import type { Model } from '../model/model';
import type { Version } from '../util/version';
import { lineOf, type ConfigNode } from '../workspace/config-set';
import { defaultFor, upstreamDirective, type DefaultValue } from './settings';
import { PASS_MODULES, parsePassTarget, type PassModule, type PassTarget } from './pass-target';

export type SettingGroup = 'timeouts' | 'retries' | 'buffers' | 'keepalive' | 'protocol' | 'headers' | 'ssl';

export const SETTING_GROUPS: readonly SettingGroup[] = ['timeouts', 'retries', 'buffers', 'keepalive', 'protocol', 'headers', 'ssl'];

/** Where a value is set: the block kind of the directive's level, or "default". */
export type SettingLevel = 'location' | 'if' | 'limit_except' | 'server' | 'http' | 'upstream' | 'main' | 'default';

export interface SettingRow {
  group: SettingGroup;
  /** The directive in the module's form ("fastcgi_read_timeout"). */
  name: string;
  /** The value as nginx reads it: the directive's arguments, or the default in words. */
  value: string;
  /** The directive that sets it; null when nginx's default applies (or nothing applies). */
  node: ConfigNode | null;
  level: SettingLevel;
  /** Said next to the value: a version note for defaults, why a row is what it is. */
  note?: string;
}

export interface BlockSettings {
  /** The block whose settings apply (a location, or an if/limit_except block inside one). */
  block: ConfigNode;
  /** The location the block belongs to. */
  location: ConfigNode | null;
  /** The *_pass directive. */
  pass: ConfigNode;
  module: PassModule;
  target: PassTarget;
  /** The upstream block the target names, if any. */
  upstream: ConfigNode | null;
  rows: SettingRow[];
}

export interface ReportOptions {
  catalog?: Catalog;
  /** The nginx version the defaults are for; null: unknown (defaults that changed say so). */
  version?: Version | null;
}

type Modules = 'all' | 'buffered' | 'proxy' | 'proxy+grpc' | 'tls' | 'fastcgi' | 'params';

/** The settings shown, in proxy_ form, in the order shown. */
const SETTINGS: { name: string; group: SettingGroup; modules: Modules; list?: boolean }[] = [
  { name: 'proxy_connect_timeout', group: 'timeouts', modules: 'all' },
  { name: 'proxy_send_timeout', group: 'timeouts', modules: 'all' },
  { name: 'proxy_read_timeout', group: 'timeouts', modules: 'all' },
  { name: 'proxy_next_upstream_timeout', group: 'retries', modules: 'all' },
  { name: 'proxy_next_upstream', group: 'retries', modules: 'all' },
  { name: 'proxy_next_upstream_tries', group: 'retries', modules: 'all' },
  { name: 'proxy_buffering', group: 'buffers', modules: 'buffered' },
  { name: 'proxy_buffer_size', group: 'buffers', modules: 'all' },
  { name: 'proxy_buffers', group: 'buffers', modules: 'buffered' },
  { name: 'proxy_busy_buffers_size', group: 'buffers', modules: 'buffered' },
  { name: 'proxy_max_temp_file_size', group: 'buffers', modules: 'buffered' },
  { name: 'proxy_request_buffering', group: 'buffers', modules: 'buffered' },
  { name: 'fastcgi_keep_conn', group: 'keepalive', modules: 'fastcgi' },
  { name: 'proxy_http_version', group: 'protocol', modules: 'proxy' },
  { name: 'proxy_set_header', group: 'headers', modules: 'proxy+grpc', list: true },
  { name: 'proxy_param', group: 'headers', modules: 'params', list: true },
  { name: 'proxy_ssl_server_name', group: 'ssl', modules: 'tls' },
  { name: 'proxy_ssl_name', group: 'ssl', modules: 'tls' },
  { name: 'proxy_ssl_verify', group: 'ssl', modules: 'tls' },
  { name: 'proxy_ssl_trusted_certificate', group: 'ssl', modules: 'tls' },
  { name: 'proxy_ssl_protocols', group: 'ssl', modules: 'tls' },
  { name: 'proxy_ssl_certificate', group: 'ssl', modules: 'tls' },
];

/** The directives of an upstream block that decide keepalive to its servers. */
const UPSTREAM_KEEPALIVE = ['keepalive', 'keepalive_timeout', 'keepalive_requests', 'keepalive_time'];

function applies(m: Modules, module: PassModule): boolean {
  switch (m) {
    case 'all': return true;
    case 'buffered': return module !== 'memcached' && module !== 'grpc';
    case 'proxy': return module === 'proxy';
    case 'proxy+grpc': return module === 'proxy' || module === 'grpc';
    case 'tls': return module === 'proxy' || module === 'grpc' || module === 'uwsgi';
    case 'fastcgi': return module === 'fastcgi';
    case 'params': return module === 'fastcgi' || module === 'uwsgi' || module === 'scgi';
  }
}

const TLS_SCHEMES = new Set(['https', 'grpcs', 'suwsgi']);

export function levelOf(n: ConfigNode): SettingLevel {
  const b = n.parent?.body;
  if (!n.parent) return 'main';
  if (b === 'location' || b === 'server' || b === 'http' || b === 'upstream' || b === 'limit_except') return b;
  if (b === 'if_location' || b === 'if_server' || n.parent.d.name === 'if') return 'if';
  return 'location';
}

/** The arguments as written, an empty one as "". */
function args(n: ConfigNode): string {
  return n.d.args.map((a) => (a.value === '' ? '""' : a.value)).join(' ');
}

/** Every block that passes requests to a backend (http *_pass directives), in reading order. */
export function proxiedBlocks(model: Model): { pass: ConfigNode; block: ConfigNode }[] {
  const out: { pass: ConfigNode; block: ConfigNode }[] = [];
  for (const n of model.set.all) {
    if (!PASS_MODULES[n.d.name] || !n.parent || !n.d.args[0] || n.ctx.startsWith('stream')) continue;
    if (n.parent.body === 'upstream' || n.parent.body === 'server') continue;
    out.push({ pass: n, block: n.parent });
  }
  return out;
}

/** The location a node stands in (itself when it is one). */
export function locationOf(n: ConfigNode | null): ConfigNode | null {
  for (let b = n; b; b = b.parent) if (b.body === 'location') return b;
  return null;
}

/** The effective settings at the block of a *_pass. */
export function blockSettings(model: Model, pass: ConfigNode, opts: ReportOptions = {}): BlockSettings {
  const catalog = opts.catalog ?? defaultCatalog();
  const version = opts.version ?? null;
  const block = pass.parent!;
  const target = parsePassTarget(pass.d.name, pass.d.args[0]!.value);
  const module = target.module;
  const upstream = target.unixPath === null && target.port === null && !target.hasVariables
    ? model.upstreams.get(target.host.toLowerCase())?.find((u) => u.body === 'upstream') ?? null
    : null;
  const rows: SettingRow[] = [];
  const tls = TLS_SCHEMES.has(target.scheme);
  for (const s of SETTINGS) {
    if (!applies(s.modules, module)) continue;
    const name = s.name === 'proxy_param' ? `${module}_param` : upstreamDirective(s.name, module);
    if (!catalog.records(name).length) continue;
    const nodes = model.effective(block, name).nodes;
    if (s.group === 'ssl' && !tls && !nodes.length) continue;
    if (s.list) {
      rows.push(...listRows(s.group, name, nodes, defaultFor(catalog, name, version)));
      continue;
    }
    const n = nodes[nodes.length - 1] ?? null;
    if (n) rows.push({ group: s.group, name, value: args(n), node: n, level: levelOf(n) });
    else rows.push(defaultRow(s.group, name, defaultFor(catalog, name, version)));
  }
  rows.push(...keepaliveRows(catalog, version, module, target, upstream));
  // keep the group order of SETTING_GROUPS (keepalive rows were added last)
  rows.sort((a, b) => SETTING_GROUPS.indexOf(a.group) - SETTING_GROUPS.indexOf(b.group));
  return { block, location: locationOf(block), pass, module, target, upstream, rows };
}

function defaultRow(group: SettingGroup, name: string, d: DefaultValue): SettingRow {
  return { group, name, value: d.text, node: null, level: 'default', ...(d.note ? { note: d.note } : {}) };
}

/** proxy_set_header / *_param: the effective list, then the defaults nginx adds for names the list does not set. */
function listRows(group: SettingGroup, name: string, nodes: readonly ConfigNode[], d: DefaultValue): SettingRow[] {
  const out: SettingRow[] = nodes.map((n) => ({ group, name, value: args(n), node: n, level: levelOf(n) }));
  const set = new Set(nodes.map((n) => n.d.args[0]?.value.toLowerCase()));
  for (const line of d.lines) {
    const field = line.split(/\s+/)[0]!.toLowerCase();
    if (set.has(field)) continue;
    out.push({ group, name, value: line, node: null, level: 'default', ...(d.note ? { note: d.note } : {}) });
  }
  return out;
}

/** Keepalive to the backend: the upstream block's keepalive directives (proxy/grpc/fastcgi...), or why there is none. */
function keepaliveRows(catalog: Catalog, version: Version | null, module: PassModule, target: PassTarget, upstream: ConfigNode | null): SettingRow[] {
  if (module === 'memcached') return [];
  if (!upstream) {
    const what = target.hasVariables ? 'a target with variables' : `${target.address || target.rest} is not an upstream block`;
    return [{ group: 'keepalive', name: 'keepalive', value: 'off', node: null, level: 'default', note: `${what}: nginx opens a new connection for every request` }];
  }
  const rows: SettingRow[] = [];
  const keepalive = upstream.children.find((c) => c.d.name === 'keepalive') ?? null;
  for (const name of UPSTREAM_KEEPALIVE) {
    const n = [...upstream.children].reverse().find((c) => c.d.name === name) ?? null;
    if (n) {
      rows.push({ group: 'keepalive', name, value: args(n), node: n, level: 'upstream' });
      continue;
    }
    const d = defaultFor(catalog, name, version, 'upstream');
    if (name !== 'keepalive' && !keepalive && d.keepaliveOff) continue;
    rows.push(defaultRow('keepalive', name, d));
  }
  return rows;
}

/** A setting's source in words: "nginx.conf:12 (server)" or "default". */
export function sourceText(r: SettingRow, fileName: (path: string) => string = (p) => p): string {
  return r.node ? `${fileName(r.node.file.source.path)}:${lineOf(r.node)} (${r.level})` : 'default';
}

/** A block's settings as plain data (the `settings --format json` entries and the editor's view). */
export interface SettingsBlockJson {
  location: { file: string; line: number; modifier: string; pattern: string } | null;
  /** The block the settings apply at: the location, or an if/limit_except block inside it. */
  block: { file: string; line: number; kind: string };
  pass: { file: string; line: number; directive: string; target: string };
  module: PassModule;
  upstream: { file: string; line: number; name: string } | null;
  settings: SettingJson[];
}

export interface SettingJson {
  group: SettingGroup;
  name: string;
  value: string;
  /** Where it is set; null for a default. */
  file: string | null;
  line: number | null;
  level: SettingLevel;
  default: boolean;
  note?: string;
}

/** `location = /x` -> "=", "/x"; `location @name` -> "", "@name". */
export function locationParts(n: ConfigNode): { modifier: string; pattern: string } {
  const a = n.d.args.map((x) => x.value);
  return a.length > 1 ? { modifier: a[0]!, pattern: a.slice(1).join(' ') } : { modifier: '', pattern: a[0] ?? '' };
}

export function settingsJson(bs: BlockSettings): SettingsBlockJson {
  const at = (n: ConfigNode): { file: string; line: number } => ({ file: n.file.source.path, line: lineOf(n) });
  return {
    location: bs.location ? { ...at(bs.location), ...locationParts(bs.location) } : null,
    block: { ...at(bs.block), kind: bs.block.d.name },
    pass: { ...at(bs.pass), directive: bs.pass.d.name, target: bs.pass.d.args[0]?.value ?? '' },
    module: bs.module,
    upstream: bs.upstream ? { ...at(bs.upstream), name: bs.upstream.d.args[0]?.value ?? '' } : null,
    settings: bs.rows.map((r) => ({
      group: r.group, name: r.name, value: r.value,
      file: r.node ? r.node.file.source.path : null, line: r.node ? lineOf(r.node) : null,
      level: r.level, default: !r.node, ...(r.note ? { note: r.note } : {}),
    })),
  };
}
