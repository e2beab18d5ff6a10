// The backends a config sends requests to, as the nginx host would connect to them: every
// `server` of every upstream block and every *_pass whose target is not an upstream name, with
// nginx's default ports (80 for upstream servers and http://, 443 for https:// and grpcs://).
import type { ConfigNode, ConfigSet } from '../core/index';
import { Model } from '../core/index';

export interface Backend {
  kind: 'tcp' | 'unix';
  /** tcp: host name or address (IPv6 without brackets); unix: the socket path. */
  host: string;
  port: number;
  /** The upstream block it belongs to (lowercased name), if any. */
  upstream: string | null;
  /** The directive that names it (upstream `server` line or the *_pass). */
  node: ConfigNode;
  /** `backup`, `down`, `resolve`, ... from the upstream server line. */
  flags: string[];
}

const PASS = new Set(['proxy_pass', 'fastcgi_pass', 'grpc_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass']);
const UPSTREAM_FLAGS = new Set(['backup', 'down', 'resolve', 'drain']);

/** "host:port", "[v6]:port", "host", "unix:/path" -> parts (null: not an address, e.g. has variables). */
export function parseAddress(a: string, defaultPort: number | null): { kind: 'tcp' | 'unix'; host: string; port: number } | null {
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

/** The host part of a *_pass argument and its default port; null with variables. */
function passAddress(n: ConfigNode): { text: string; defaultPort: number | null } | null {
  const arg = n.d.args[0]?.value ?? '';
  if (!arg || arg.includes('$')) return null;
  const sm = /^([a-z]+):\/\//i.exec(arg);
  let rest = sm ? arg.slice(sm[0].length) : arg;
  const scheme = sm ? sm[1]!.toLowerCase() : '';
  if (rest.startsWith('unix:')) {
    const i = rest.indexOf(':', 5);
    return { text: i < 0 ? rest : rest.slice(0, i), defaultPort: null };
  }
  const slash = rest.indexOf('/');
  if (slash >= 0) rest = rest.slice(0, slash);
  const defaultPort = n.ctx.startsWith('stream') ? null : scheme === 'https' || scheme === 'grpcs' ? 443 : n.d.name === 'proxy_pass' || n.d.name === 'grpc_pass' ? 80 : null;
  return { text: rest, defaultPort };
}

export function backendsOf(set: ConfigSet, model = new Model(set)): Backend[] {
  const out: Backend[] = [];
  const seen = new Set<string>();
  const add = (b: Backend): void => {
    const key = `${b.kind}|${b.host}|${b.port}|${b.upstream ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(b);
  };
  for (const [name, blocks] of model.upstreams) {
    for (const block of blocks) {
      for (const s of block.children) {
        if (s.d.name !== 'server' || !s.d.args[0]) continue;
        const a = parseAddress(s.d.args[0].value, block.body === 'stream_upstream' ? null : 80);
        if (!a) continue;
        const flags = s.d.args.slice(1).map((x) => x.value).filter((x) => UPSTREAM_FLAGS.has(x));
        add({ ...a, upstream: name, node: s, flags });
      }
    }
  }
  for (const name of PASS) {
    for (const n of model.named(name)) {
      const p = passAddress(n);
      if (!p) continue;
      // a bare name that is an upstream block: its servers are listed above
      if (!p.text.startsWith('unix:') && !/:\d+$/.test(p.text) && model.upstreams.has(p.text.toLowerCase())) continue;
      const a = parseAddress(p.text, p.defaultPort);
      if (a) add({ ...a, upstream: null, node: n, flags: [] });
    }
  }
  return out;
}

/** `listen` ports of the http and stream servers (TCP only). */
export function listenPorts(model: Model): { addr: string; port: number; node: ConfigNode }[] {
  const out: { addr: string; port: number; node: ConfigNode }[] = [];
  const seen = new Set<string>();
  for (const n of model.named('listen')) {
    const a = n.d.args[0]?.value;
    if (!a || a.startsWith('unix:') || a.includes('$')) continue;
    let addr = '*';
    let port: number;
    const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(a);
    if (v6) {
      addr = v6[1]!;
      port = Number(v6[2] ?? 80);
    } else if (/^\d+$/.test(a)) port = Number(a);
    else {
      const m = /^(.*?)(?::(\d+))?$/.exec(a)!;
      addr = m[1] === '*' ? '*' : m[1]!;
      port = Number(m[2] ?? 80);
    }
    const key = `${addr}:${port}`;
    if (seen.has(key) || !(port > 0 && port < 65536)) continue;
    seen.add(key);
    out.push({ addr, port, node: n });
  }
  return out;
}
