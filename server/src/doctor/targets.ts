// The backends a config sends requests to, as the nginx host would connect to them: every
// `server` of every upstream block and every *_pass whose target is not an upstream name, with
// nginx's default ports (80 for upstream servers and http://, 443 for https:// and grpcs://).
import { Model, PASS_MODULES, parsePassTarget, socketAddress, type ConfigNode, type ConfigSet } from '../core/index';

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

const UPSTREAM_FLAGS = new Set(['backup', 'down', 'resolve', 'drain']);

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
        const a = socketAddress(s.d.args[0].value, block.body === 'stream_upstream' ? null : 80);
        if (!a) continue;
        const flags = s.d.args.slice(1).map((x) => x.value).filter((x) => UPSTREAM_FLAGS.has(x));
        add({ ...a, upstream: name, node: s, flags });
      }
    }
  }
  for (const name of Object.keys(PASS_MODULES)) {
    for (const n of model.named(name)) {
      const arg = n.d.args[0]?.value ?? '';
      if (!arg) continue;
      const p = parsePassTarget(name, arg, n.ctx.startsWith('stream'));
      if (p.hasVariables) continue;
      // a bare name that is an upstream block: its servers are listed above
      if (!p.address.startsWith('unix:') && !/:\d+$/.test(p.address) && model.upstreams.has(p.address.toLowerCase())) continue;
      const a = socketAddress(p.address, p.defaultPort);
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
