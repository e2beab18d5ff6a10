// Rule: duplicate-listen. The same address:port twice in one http server (`a duplicate listen
// 127.0.0.1:8080`), or in two stream servers (`duplicate "0.0.0.0:5432" address and port pair`),
// or socket options (backlog=, reuseport, ...) given for one address:port in two http servers
// (`duplicate listen options for 0.0.0.0:80`): a socket is opened once, its options belong on one
// listen.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { parseListen } from '../../values/listen';

function key(node: ConfigNode): string | null {
  const arg = node.d.args[0]?.value;
  if (!arg || arg.includes('$')) return null;
  const a = parseListen(arg);
  if (a.invalidPort !== undefined) return null;
  const host = a.unix ? a.host : `${a.host === '*' ? '0.0.0.0' : a.host === 'localhost' ? '127.0.0.1' : a.host}:${a.port}`;
  return node.d.args.some((x) => x.value === 'udp' || x.value === 'quic') ? `udp ${host}` : host;
}

/** Parameters that set socket options (lsopt.set in ngx_http_core_listen). */
const SOCKET_OPTIONS = /^(bind|deferred|reuseport|multipath|(setfib|fastopen|backlog|rcvbuf|sndbuf|accept_filter|ipv6only|so_keepalive)=.*)$/;

function hasSocketOptions(node: ConfigNode): boolean {
  return node.d.args.slice(1).some((a) => SOCKET_OPTIONS.test(a.value));
}

function listensOf(server: ConfigNode): ConfigNode[] {
  return server.children.filter((c) => c.d.name === 'listen');
}

export const rule: Rule = {
  id: 'duplicate-listen',
  severity: 'error',
  summary: 'the same listen address twice in one server or in two stream servers, or its socket options given twice',
  fix: 'none',
  check(ctx) {
    const stream = new Map<string, ConfigNode>();
    const options = new Map<string, ConfigNode>();
    for (const server of ctx.model.blocks) {
      if (server.body === 'server') {
        const seen = new Set<string>();
        for (const l of listensOf(server)) {
          const k = key(l);
          if (k && seen.has(k)) report(ctx, l, `a duplicate listen ${k.replace(/^udp /, '')}`);
          else if (k && hasSocketOptions(l)) {
            const first = options.get(k);
            if (first && first.parent !== server) report(ctx, l, `duplicate listen options for ${k.replace(/^udp /, '')}; options belong on one listen of this address`, first);
            else if (!first) options.set(k, l);
          }
          if (k) seen.add(k);
        }
      } else if (server.body === 'stream_server') {
        for (const l of listensOf(server)) {
          const k = key(l);
          if (!k) continue;
          const first = stream.get(k);
          if (first) report(ctx, l, `duplicate "${k.replace(/^udp /, '')}" address and port pair`, first);
          else stream.set(k, l);
        }
      }
    }
  },
};

function report(ctx: RuleContext, node: ConfigNode, message: string, first?: ConfigNode): void {
  const related = first ? [{ file: first.file.source.path, start: first.d.start, end: first.d.headEnd, message: first.d.args.length > 1 ? 'options first given here' : 'first listen here' }] : [];
  ctx.report(node, message, { related });
}
