// Shared knowledge for the proxy rules: what a proxy_pass points at, the effective headers of a
// block, and what nginx's version implies (upstream HTTP/1.1 keepalive is the default from
// 1.29.7 on). When the version is unknown, rules assume an older nginx and say so.
import type { ConfigNode } from '../workspace/config-set';
import type { RuleContext } from './rule';
import { compareVersions, parseVersion, type Version } from '../util/version';

export interface PassTarget {
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

// Several rules ask the same questions about the same nodes; nodes live for one analysis.
const targetMemo = new WeakMap<ConfigNode, PassTarget | null>();
const headerMemo = new WeakMap<ConfigNode, { level: ConfigNode | null; headers: Map<string, ConfigNode> }>();

/** Parses "http://host:port/uri", "unix:/path:" forms and bare "host:port" (fastcgi_pass). */
export function passTarget(ctx: RuleContext, node: ConfigNode): PassTarget | null {
  if (targetMemo.has(node)) return targetMemo.get(node)!;
  const t = computeTarget(ctx, node);
  targetMemo.set(node, t);
  return t;
}

function computeTarget(ctx: RuleContext, node: ConfigNode): PassTarget | null {
  const raw = node.d.args[0]?.value;
  if (!raw) return null;
  const m = /^([a-z]+):\/\/(.*)$/i.exec(raw);
  const scheme = m ? m[1]!.toLowerCase() : '';
  const rest = m ? m[2]! : raw;
  const hasVariables = raw.includes('$');
  if (rest.startsWith('unix:')) return { scheme, host: rest, port: null, uri: '', hasVariables, upstream: null, unix: true };
  const slash = rest.indexOf('/');
  const hostPort = slash < 0 ? rest : rest.slice(0, slash);
  const uri = slash < 0 ? '' : rest.slice(slash);
  const pm = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(hostPort);
  const host = (pm?.[1] ?? hostPort).toLowerCase();
  const port = pm?.[2] ? Number(pm[2]) : null;
  const family = node.ctx.startsWith('stream') ? 'stream_upstream' : 'upstream';
  const upstream = port === null ? ctx.model.upstreams.get(host)?.find((u) => u.body === family) ?? null : null;
  return { scheme, host, port, uri, hasVariables, upstream, unix: false };
}

/** Effective proxy_set_header entries of a block, by lowercased header name. */
export function effectiveHeaders(ctx: RuleContext, block: ConfigNode | null, directive = 'proxy_set_header'): { level: ConfigNode | null; headers: Map<string, ConfigNode> } {
  const memo = block && directive === 'proxy_set_header';
  const hit = memo ? headerMemo.get(block) : undefined;
  if (hit) return hit;
  const out = computeHeaders(ctx, block, directive);
  if (memo) headerMemo.set(block, out);
  return out;
}

function computeHeaders(ctx: RuleContext, block: ConfigNode | null, directive: string): { level: ConfigNode | null; headers: Map<string, ConfigNode> } {
  const eff = ctx.model.effective(block, directive);
  const headers = new Map<string, ConfigNode>();
  for (const n of eff.nodes) if (n.d.args[0]) headers.set(n.d.args[0].value.toLowerCase(), n);
  return { level: eff.level, headers };
}

export function effectiveValue(ctx: RuleContext, block: ConfigNode | null, name: string): string | undefined {
  return ctx.model.effective(block, name).nodes[0]?.d.args[0]?.value;
}

export interface VersionView {
  /** True when nginx uses HTTP/1.1 and keepalive for upstream groups by default. */
  keepaliveByDefault: boolean;
  /** Appended to messages when the version was not configured. */
  note: string;
}

export function versionView(version: Version | null): VersionView {
  if (!version) {
    return { keepaliveByDefault: false, note: ' (assuming nginx before 1.29.7; set nginxDoctor.nginxVersion or --nginx-version to check for yours)' };
  }
  return { keepaliveByDefault: compareVersions(version, KEEPALIVE_DEFAULT) >= 0, note: '' };
}

/** The block whose settings apply to a directive (its enclosing location/if/server). */
export function blockOf(node: ConfigNode): ConfigNode | null {
  return node.parent;
}

const WS_PATH = /(^|\/)(ws|wss|websocket|websockets|socket\.io|sockjs|cable|signalr|hubs?|graphql-ws|live|realtime)(\/|$|\\|\?)/i;

function locationPath(block: ConfigNode | null): string {
  for (let b = block; b; b = b.parent) if (b.body === 'location') return b.d.args[b.d.args.length - 1]?.value ?? '';
  return '';
}

/** A block meant for WebSocket: it passes Upgrade or a Connection "upgrade", or its path is a well-known WebSocket endpoint. */
export function isWebSocketBlock(ctx: RuleContext, block: ConfigNode | null): boolean {
  const { headers } = effectiveHeaders(ctx, block);
  if (headers.get('upgrade')?.d.args[1]?.value.includes('$http_upgrade')) return true;
  if (/upgrade/i.test(headers.get('connection')?.d.args[1]?.value ?? '')) return true;
  return WS_PATH.test(locationPath(block));
}

export const HTTP_PORTS = new Set([80, 8000, 8008, 8080, 8081, 8088, 8888, 3000, 3001, 4000, 5000, 5173, 8765, 9080]);

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');
}
