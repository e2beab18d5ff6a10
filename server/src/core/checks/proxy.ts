// Shared knowledge for the proxy rules: what a proxy_pass points at, the effective headers of a
// block, and what nginx's version implies (upstream HTTP/1.1 keepalive is the default from
// 1.29.7 on). When the version is unknown, rules assume an older nginx and say so.
import type { ConfigNode } from '../workspace/config-set';
import type { RuleContext } from './rule';
import { compareVersions, parseVersion, type Version } from '../util/version';
import { parsePassTarget } from '../upstream/pass-target';

/** A *_pass target as the rules read it (core/upstream/pass-target.ts parses it): host lowercased. */
export interface ProxyTarget {
  scheme: string;
  host: string;
  port: number | null;
  uri: string;
  hasVariables: boolean;
  /** The upstream block the host names, if any. */
  upstream: ConfigNode | null;
  unix: boolean;
}

const KEEPALIVE_DEFAULT = parseVersion('1.29.7')!;

export interface Headers {
  level: ConfigNode | null;
  headers: HeaderTable;
}

/**
 * Lowercased header name -> the directive that sets it (a later one wins, as in a Map). Blocks
 * set a few headers, and there is one table per level that sets any: arrays are a fraction of
 * a Map's memory and as fast to search at this size.
 */
export class HeaderTable {
  private readonly names: string[];
  private readonly nodes: ConfigNode[];

  constructor(directives: readonly ConfigNode[]) {
    const names: string[] = [];
    const nodes: ConfigNode[] = [];
    for (const n of directives) {
      const arg = n.d.args[0];
      if (!arg) continue;
      const name = arg.value.toLowerCase();
      const i = names.indexOf(name);
      if (i >= 0) nodes[i] = n;
      else {
        names.push(name);
        nodes.push(n);
      }
    }
    this.names = names.slice();
    this.nodes = nodes.slice();
  }

  get(name: string): ConfigNode | undefined {
    const i = this.names.indexOf(name);
    return i < 0 ? undefined : this.nodes[i];
  }

  has(name: string): boolean {
    return this.names.indexOf(name) >= 0;
  }
}

/**
 * What a *_pass points at ("http://host:port/uri", "unix:/path:", bare "host:port"). Several
 * rules ask this of every proxy_pass, so the answer is kept per node for the analysis
 * (Model.memo, keyed by the node: lookups by the address string are much slower). Read-only.
 */
export function passTarget(ctx: RuleContext, node: ConfigNode): ProxyTarget | null {
  const memo = ctx.model.memo<ConfigNode, ProxyTarget | null>('passTarget');
  let t = memo.get(node);
  if (t === undefined) {
    const raw = node.d.args[0]?.value;
    t = raw ? computeTarget(ctx, node, raw, node.ctx.startsWith('stream') ? 'stream_upstream' : 'upstream') : null;
    memo.set(node, t);
  }
  return t;
}

function computeTarget(ctx: RuleContext, node: ConfigNode, raw: string, family: string): ProxyTarget {
  const t = parsePassTarget(node.d.name, raw, family === 'stream_upstream');
  const { scheme, hasVariables } = t;
  if (t.unixPath !== null) return { scheme, host: t.rest, port: null, uri: '', hasVariables, upstream: null, unix: true };
  const host = t.host.toLowerCase();
  const port = t.port;
  const upstream = port === null ? ctx.model.upstreams.get(host)?.find((u) => u.body === family) ?? null : null;
  return { scheme, host, port, uri: t.uri, hasVariables, upstream, unix: false };
}

/**
 * Effective proxy_set_header entries of a block, by lowercased header name. Kept per deciding
 * level (the level whose list applies), so the locations that inherit one list share one map.
 * Treat the result as read-only.
 */
export function effectiveHeaders(ctx: RuleContext, block: ConfigNode | null, directive = 'proxy_set_header'): Headers {
  const model = ctx.model;
  let level = block;
  let nodes = model.directivesIn(level, directive);
  while (!nodes.length && level !== null) nodes = model.directivesIn((level = level.parent), directive);
  // kept per deciding level: the blocks below it that set nothing share its map
  const memo = model.memo<ConfigNode | null, Headers>(directive === 'proxy_set_header' ? 'headers' : `headers:${directive}`);
  let out = memo.get(level);
  if (!out) memo.set(level, (out = { level, headers: new HeaderTable(nodes) }));
  return out;
}

export function effectiveValue(ctx: RuleContext, block: ConfigNode | null, name: string): string | undefined {
  return ctx.model.first(block, name)?.d.args[0]?.value;
}

export interface VersionView {
  /** True when nginx uses HTTP/1.1 and keepalive for upstream groups by default. */
  keepaliveByDefault: boolean;
  /** Appended to messages when the version was not configured. */
  note: string;
}

export function versionView(version: Version | null): VersionView {
  if (!version) {
    return { keepaliveByDefault: false, note: '. Assumed nginx before 1.29.7: set nginxDoctor.nginxVersion or --nginx-version to check for yours' };
  }
  return { keepaliveByDefault: compareVersions(version, KEEPALIVE_DEFAULT) >= 0, note: '' };
}

/** The block whose settings apply to a directive (its enclosing location/if/server). */
export function blockOf(node: ConfigNode): ConfigNode | null {
  return node.parent;
}

const WS_PATH = /(^|\/)(ws|wss|websockets?|socket\.io|sockjs|cable|signalr|hubs?|graphql-ws)(\/|$|\\|\?)/i;
const WS_NAME = /(^|[-_.])(ws|wss|websockets?|socket\.?io|sockjs|cable|signalr|hubs?)([-_.]|\d*$)/i;

function locationPath(block: ConfigNode | null): string {
  for (let b = block; b; b = b.parent) if (b.body === 'location') return b.d.args[b.d.args.length - 1]?.value ?? '';
  return '';
}

/** A Connection value that carries the upgrade: "upgrade", or a variable mapped from $http_upgrade. */
export function isUpgradeConnection(ctx: RuleContext, value: string | undefined): boolean {
  if (!value) return false;
  if (/upgrade/i.test(value)) return true;
  const m = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(value);
  if (!m) return false;
  return (ctx.model.definedVariables.get(m[1]!.toLowerCase()) ?? []).some((d) => d.d.name === 'map' && /^\$\{?http_upgrade\}?$/i.test(d.d.args[0]?.value ?? ''));
}

/**
 * A block evidently meant for WebSocket: it passes Upgrade $http_upgrade or a Connection that
 * carries the upgrade, or its path or the upstream it proxies to is named like a WebSocket
 * endpoint (ws, socket.io, websocket, cable, hub ...).
 */
export function isWebSocketBlock(ctx: RuleContext, block: ConfigNode | null, upstreamHost?: string): boolean {
  const { headers } = effectiveHeaders(ctx, block);
  if (headers.get('upgrade')?.d.args[1]?.value.includes('$http_upgrade')) return true;
  if (isUpgradeConnection(ctx, headers.get('connection')?.d.args[1]?.value)) return true;
  if (upstreamHost && WS_NAME.test(upstreamHost)) return true;
  return WS_PATH.test(locationPath(block));
}

/**
 * Ports that serve plain HTTP by strong convention: the port-guessing rules fire only on these
 * (a TLS backend on 8081 or 8443 is common; the doctor verifies live what a port speaks).
 */
export const PLAIN_HTTP_PORTS = new Set([80, 3000, 5000, 8000, 8080, 8888]);
/** The same for fastcgi_pass (8888 is also a common FastCGI/php-fpm choice). */
export const PLAIN_HTTP_PORTS_FOR_FASTCGI = new Set([80, 3000, 5000, 8000, 8080]);

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}
