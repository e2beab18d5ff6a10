// The settings that decide how nginx talks to a backend, as they are in effect at a block: the
// directive that sets each one (with nginx's inheritance, model/model.ts) or the default from the
// catalog. Names are written in the proxy module's form and mapped here, once, to the module that
// makes the request (proxy_read_timeout -> fastcgi_read_timeout, uwsgi_..., grpc_...).
import type { BlockKind, Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default-catalog';
import type { Model } from '../model/model';
import { formatVersion, inRange, type Version } from '../util/version';
import type { ConfigNode } from '../workspace/config-set';
import type { PassModule } from './pass-target';

/** The directive of `module` for a proxy_ setting ("proxy_read_timeout", "grpc" -> "grpc_read_timeout"); other names unchanged. */
export function upstreamDirective(name: string, module: PassModule): string {
  return module !== 'proxy' && name.startsWith('proxy_') ? `${module}_${name.slice(6)}` : name;
}

export interface UpstreamSetting {
  /** The directive, in the module's form ("fastcgi_read_timeout"). */
  name: string;
  /** The directives that decide the value (several for list directives such as proxy_set_header); [] when not set. */
  nodes: ConfigNode[];
  /** The catalog's default, in its notation ("60s", "4k|8k", "8 4k|8k", lines joined by "\n"); null when there is none. */
  default: string | null;
}

export interface SettingsOptions {
  catalog?: Catalog;
  /** The nginx version, for version-dependent defaults (null: an nginx before 1.29.7 is assumed, as the rules do). */
  version?: Version | null;
}

/** The setting `name` (proxy_ form) for `module` at `block`; null when the module has no such directive. */
export function effectiveUpstreamSetting(model: Model, block: ConfigNode, name: string, module: PassModule, opts: SettingsOptions = {}): UpstreamSetting | null {
  const catalog = opts.catalog ?? defaultCatalog();
  const directive = upstreamDirective(name, module);
  const records = catalog.records(directive);
  if (!records.length) return null;
  return { name: directive, nodes: model.effective(block, directive).nodes, default: defaultFor(catalog, directive, opts.version ?? null).raw };
}

/** The settings shown for a block that makes requests with `module`, in this order. */
const SHOWN: { name: string; modules: 'all' | 'buffered' | 'proxy' }[] = [
  { name: 'proxy_connect_timeout', modules: 'all' },
  { name: 'proxy_send_timeout', modules: 'all' },
  { name: 'proxy_read_timeout', modules: 'all' },
  { name: 'proxy_next_upstream', modules: 'buffered' },
  { name: 'proxy_next_upstream_tries', modules: 'buffered' },
  { name: 'proxy_buffer_size', modules: 'buffered' },
  { name: 'proxy_buffers', modules: 'buffered' },
  { name: 'proxy_http_version', modules: 'proxy' },
  { name: 'proxy_ssl_server_name', modules: 'proxy' },
  { name: 'proxy_set_header', modules: 'proxy' },
];

/** Timeouts, retries, buffers, HTTP version, SNI and headers in effect at `block` for `module`. */
export function effectiveUpstreamSettings(model: Model, block: ConfigNode, module: PassModule, opts: SettingsOptions = {}): UpstreamSetting[] {
  const out: UpstreamSetting[] = [];
  for (const s of SHOWN) {
    if (s.modules === 'proxy' && module !== 'proxy') continue;
    if (s.modules === 'buffered' && module === 'memcached') continue;
    const setting = effectiveUpstreamSetting(model, block, s.name, module, opts);
    if (setting) out.push(setting);
  }
  return out;
}

/** The value a setting has: its last deciding directive's arguments, else the default as text. */
export function settingValue(s: UpstreamSetting): string {
  const n = s.nodes[s.nodes.length - 1];
  return n ? n.d.args.map((a) => a.value).join(' ') : defaultText(s.default);
}

/**
 * A catalog default in words: "4k|8k" (one memory page) -> "4k or 8k (one memory page)",
 * "8 4k|8k" -> "8 4k or 8 8k", several lines joined with "; ", none -> "(none)".
 */
export function defaultText(d: string | null): string {
  if (d === null || d === '') return '(none)';
  if (d.includes('\n')) return d.split('\n').join('; ');
  const bufs = /^(\d+) (\w+)\|(\w+)$/.exec(d);
  if (bufs) return `${bufs[1]} ${bufs[2]} or ${bufs[1]} ${bufs[3]}`;
  const alt = /^(\w+)\|(\w+)$/.exec(d);
  if (alt) return `${alt[1]} or ${alt[2]}${alt[1] === '4k' && alt[2] === '8k' ? ' (one memory page)' : ''}`;
  return d;
}

/** A default, for one nginx version or (version unknown) with what depends on it. */
export interface DefaultValue {
  /** The catalog's notation ("60s", "4k|8k", lines joined by "\n"); null when there is none. */
  raw: string | null;
  /** In words (defaultText). */
  text: string;
  /** One entry per line of a list default (proxy_set_header's "Host $proxy_host", ...). */
  lines: string[];
  /** "nginx 1.29.7 and later: 1.1" when the version is unknown and the default changed. */
  note?: string;
  /** keepalive: no connection cache unless the directive is written. */
  keepaliveOff?: boolean;
}

/** The version whose defaults are shown when the nginx version is unknown: the rules assume an nginx before 1.29.7. */
export const ASSUMED_VERSION: Version = [1, 29, 6];

/**
 * The default of `directive` for a nginx version, from the catalog's per-version defaults
 * (`defaultHistory`, read from nginx's sources at each release) or its documented default.
 * Version unknown: the default of ASSUMED_VERSION, with a note naming the values of the others.
 */
export function defaultFor(catalog: Catalog, directive: string, version: Version | null, ctx: BlockKind = 'location'): DefaultValue {
  const recs = catalog.records(directive);
  const rec = catalog.allowed(directive, ctx, version)[0] ?? catalog.inVersion(directive, version)[0] ?? recs[0];
  if (!rec) return words(null);
  const history = rec.defaultHistory ?? [];
  const hit = history.find((h) => inRange(version ?? ASSUMED_VERSION, h.since, h.until));
  const raw = hit ? hit.default : rec.default ?? null;
  const out = words(raw);
  if (directive === 'keepalive' && (raw === null || raw === '' || raw === '0')) {
    out.keepaliveOff = true;
    out.text = 'off';
  }
  if (!version && history.length) {
    const segments = [...history.map((h) => `${rangeText(h.since, h.until)}: ${valueText(directive, h.default)}`), `later: ${valueText(directive, rec.default ?? null)}`];
    out.note = `nginx version unknown (${formatVersion(ASSUMED_VERSION)} assumed); ${segments.join('; ')}`;
  }
  return out;
}

function valueText(directive: string, raw: string | null): string {
  if (directive === 'keepalive' && (raw === null || raw === '' || raw === '0')) return 'off';
  return raw === null || raw === '' ? '(none)' : defaultText(raw).replace(/\n/g, '; ');
}

function words(raw: string | null): DefaultValue {
  return { raw, text: raw === null || raw === '' ? '(none)' : defaultText(raw), lines: raw ? raw.split('\n') : [] };
}

function rangeText(since: string | undefined, until: string | undefined): string {
  if (since && until) return `nginx ${since} to ${until}`;
  if (until) return `nginx ${until} and earlier`;
  if (since) return `nginx ${since} and later`;
  return 'every nginx';
}
