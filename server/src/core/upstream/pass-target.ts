// What a proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass or memcached_pass points at:
// the one parser of their address argument, used by the rules (checks/proxy.ts), explain
// (logs/link.ts, logs/advice.ts), the doctor (backends it probes) and the editor's backend probe.
// It reads the argument the way ngx_http_upstream/ngx_parse_url split it: an optional scheme, then
// "unix:PATH[:URI]" or "HOST[:PORT][/URI]"; variables are kept as written and flagged.
import type { ConfigNode } from '../workspace/config-set';

export type PassModule = 'proxy' | 'fastcgi' | 'grpc' | 'uwsgi' | 'scgi' | 'memcached';

/** The *_pass directives and the module each belongs to. */
export const PASS_MODULES: Readonly<Record<string, PassModule>> = {
  proxy_pass: 'proxy', fastcgi_pass: 'fastcgi', grpc_pass: 'grpc', uwsgi_pass: 'uwsgi', scgi_pass: 'scgi', memcached_pass: 'memcached',
};

export interface PassTarget {
  module: PassModule;
  /** The scheme, lowercased, without "://" ("" when none is written). */
  scheme: string;
  /** The argument after the scheme. */
  rest: string;
  /** The address as written, without scheme and URI: "127.0.0.1:8080", "backend", "[::1]:80", "unix:/run/x.sock". */
  address: string;
  /** unix: sockets: the path ("" when none is written); null for host addresses. */
  unixPath: string | null;
  /** The host as written ("[::1]" keeps its brackets); the whole address when it does not split into host and port. */
  host: string;
  /** The port written after the host, or null. */
  port: number | null;
  /** The port nginx connects to when none is written: 443 for https/grpcs, 80 for proxy_pass and grpc_pass (http), else none. */
  defaultPort: number | null;
  /** The URI part ("/x" for a host, what follows "unix:PATH:" for a socket), "" when none. */
  uri: string;
  hasVariables: boolean;
}

/** Parses the address argument of a *_pass directive (`inStream`: the stream module's proxy_pass). */
export function parsePassTarget(directive: string, value: string, inStream = false): PassTarget {
  const module = PASS_MODULES[directive] ?? 'proxy';
  const sm = /^([a-z]+):\/\//i.exec(value);
  const scheme = sm ? sm[1]!.toLowerCase() : '';
  const rest = sm ? value.slice(sm[0].length) : value;
  const hasVariables = value.includes('$');
  const defaultPort = inStream ? null : scheme === 'https' || scheme === 'grpcs' ? 443 : directive === 'proxy_pass' || directive === 'grpc_pass' ? 80 : null;
  if (rest.startsWith('unix:')) {
    const i = rest.indexOf(':', 5);
    const address = i < 0 ? rest : rest.slice(0, i);
    return { module, scheme, rest, address, unixPath: address.slice(5), host: address, port: null, defaultPort, uri: i < 0 ? '' : rest.slice(i + 1), hasVariables };
  }
  const slash = rest.indexOf('/');
  const address = slash < 0 ? rest : rest.slice(0, slash);
  const pm = /^(\[[^\]]+\]|[^:]*)(?::(\d+))?$/.exec(address);
  return {
    module, scheme, rest, address, unixPath: null,
    host: pm?.[1] ?? address,
    port: pm?.[2] ? Number(pm[2]) : null,
    defaultPort,
    uri: slash < 0 ? '' : rest.slice(slash),
    hasVariables,
  };
}

/** The schemes nginx writes in the error log's `upstream:` field for a target ("http://", "fastcgi://" ...). */
export function loggedSchemes(t: PassTarget): string[] {
  switch (t.module) {
    case 'proxy':
      return t.scheme ? [`${t.scheme}://`] : t.hasVariables ? ['http://', 'https://'] : ['http://'];
    case 'grpc':
      return [`${t.scheme || 'grpc'}://`];
    case 'uwsgi':
      return [`${t.scheme || 'uwsgi'}://`];
    default:
      return [`${t.module}://`];
  }
}

/** The module that made a request, from the `upstream:` field of its log line ("fastcgi://..."); proxy when it does not say. */
export function moduleOfLogged(upstream: string | null): PassModule {
  if (upstream?.startsWith('fastcgi://')) return 'fastcgi';
  if (upstream?.startsWith('grpc')) return 'grpc';
  if (upstream?.startsWith('uwsgi') || upstream?.startsWith('suwsgi')) return 'uwsgi';
  if (upstream?.startsWith('scgi')) return 'scgi';
  return 'proxy';
}

/** A *_pass directive that applies in a block, with its parsed target. */
export interface PassNode {
  node: ConfigNode;
  target: PassTarget;
}

/** The *_pass directives that apply in a location (also inside its if/limit_except blocks); none at server level. */
export function passNodesIn(block: ConfigNode, serverLevel = false): PassNode[] {
  const out: PassNode[] = [];
  if (serverLevel) return out;
  const visit = (n: ConfigNode, depth: number): void => {
    for (const c of n.children) {
      if (PASS_MODULES[c.d.name] && c.d.args[0]) out.push({ node: c, target: parsePassTarget(c.d.name, c.d.args[0].value, c.ctx.startsWith('stream')) });
      if (depth === 0 && (c.d.name === 'if' || c.d.name === 'limit_except') && c.children.length) visit(c, 1);
    }
  };
  visit(block, 0);
  return out;
}

export interface SocketAddress {
  kind: 'tcp' | 'unix';
  /** tcp: the host name or address, lowercased (IPv6 without brackets); unix: the socket path. */
  host: string;
  port: number;
}

/**
 * Where a connection would go: "host:port", "[v6]:port", "host" (with defaultPort), "unix:/path".
 * Null when it is not such an address (variables, no port and no default, odd characters).
 */
export function socketAddress(a: string, defaultPort: number | null): SocketAddress | null {
  if (!a || a.includes('$')) return null;
  if (a.startsWith('unix:')) return a.length > 5 ? { kind: 'unix', host: a.slice(5), port: 0 } : null;
  const v6 = /^\[([0-9A-Fa-f:.%a-z]+)\](?::(\d+))?$/.exec(a);
  if (v6) {
    const port = v6[2] ? Number(v6[2]) : defaultPort;
    return port && port < 65536 ? { kind: 'tcp', host: v6[1]!.toLowerCase(), port } : null;
  }
  const m = /^([A-Za-z0-9_.-]+)(?::(\d+))?$/.exec(a);
  if (!m) return null;
  const port = m[2] ? Number(m[2]) : defaultPort;
  return port && port < 65536 ? { kind: 'tcp', host: m[1]!.toLowerCase(), port } : null;
}
