// The settings that decide how nginx talks to a backend, as they are in effect at a block: the
// directive that sets each one (with nginx's inheritance, model/model.ts) or the default from the
// catalog. Names are written in the proxy module's form and mapped here, once, to the module that
// makes the request (proxy_read_timeout -> fastcgi_read_timeout, uwsgi_..., grpc_...).
import type { Catalog } from '../catalog/catalog';
import { defaultCatalog } from '../catalog/default-catalog';
import type { Model } from '../model/model';
import type { Version } from '../util/version';
import type { ConfigNode } from '../workspace/config-set';
import { versionView } from '../checks/proxy';
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
  return { name: directive, nodes: model.effective(block, directive).nodes, default: catalogDefault(catalog, directive, opts.version ?? null) };
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

function catalogDefault(catalog: Catalog, directive: string, version: Version | null): string | null {
  // the catalog holds today's documented default for every version; proxy_http_version's was 1.0
  // before nginx made HTTP/1.1 with keepalive the default (checks/proxy.ts versionView)
  if (directive === 'proxy_http_version' && !versionView(version).keepaliveByDefault) return '1.0';
  const rec = catalog.allowed(directive, 'location', version)[0] ?? catalog.inVersion(directive, version)[0] ?? catalog.records(directive)[0];
  return rec?.default ?? null;
}
