// Rule: proxy-pass-loop. A location proxying, with the URI unchanged, to an address and port its
// own server listens on (the same address family: 127.0.0.1 is not [::1]) sends each request back into the same server and location: the loop
// repeats until worker_connections run out, then requests fail with 500/502 and
// "worker_connections are not enough". The request comes back to this server when it forwards
// the client's Host, or when Host stays the loopback address and this is the default server.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { effectiveHeaders, passTarget } from '../proxy';
import { parseListen } from '../../values/listen';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Does a listen of this host (from parseListen) take connections to the loopback target? IPv4 and IPv6 are apart. */
function takes(listenHost: string, target: string | undefined): boolean {
  const v6 = target === '[::1]';
  if (target === undefined) return listenHost === '*' || LOOPBACK.has(listenHost);
  if (listenHost === '*') return !v6;
  if (listenHost === '[::]') return v6;
  const norm = (h: string): string => (h === 'localhost' ? '127.0.0.1' : h);
  return norm(listenHost) === norm(target);
}

function listensOn(server: ConfigNode, port: number, target?: string): ConfigNode | undefined {
  return server.children.find((c) => {
    if (c.d.name !== 'listen') return false;
    const a = parseListen(c.d.args[0]?.value ?? '');
    return a.port === port && takes(a.host, target);
  });
}

/** True when the proxied request has the URI the client sent: no URI part, or the location's own prefix. */
function keepsUri(node: ConfigNode, uri: string): boolean {
  if (uri === '') return true;
  const loc = node.parent?.body === 'location' ? node.parent : null;
  const args = loc?.d.args.map((a) => a.value) ?? [];
  const prefix = args.length === 1 ? args[0] : args[0] === '^~' || args[0] === '=' ? args[1] : undefined;
  return prefix !== undefined && prefix === uri;
}

/** Would a request with Host "127.0.0.1" on this port land in this server? */
function defaultFor(ctx: RuleContext, server: ConfigNode, port: number): boolean {
  const names = server.children.filter((c) => c.d.name === 'server_name').flatMap((c) => c.d.args.map((a) => a.value));
  if (names.some((n) => LOOPBACK.has(n))) return true;
  const candidates = ctx.model.servers.filter((s) => listensOn(s, port));
  const explicit = candidates.find((s) => s.children.some((c) => c.d.name === 'listen' && c.d.args.some((a) => a.value === 'default_server' || a.value === 'default')));
  return (explicit ?? candidates[0]) === server;
}

export const rule: Rule = {
  id: 'proxy-pass-loop',
  severity: 'warning',
  summary: 'a location that proxies to its own server with the same URI',
  fix: 'none',
  check(ctx) {
    for (const node of ctx.model.named('proxy_pass')) {
      const t = passTarget(ctx, node);
      if (!t || t.hasVariables || t.upstream || !LOOPBACK.has(t.host) || !keepsUri(node, t.uri)) continue;
      const port = t.port ?? (t.scheme === 'https' ? 443 : 80);
      const server = ctx.model.enclosing(node, ['server']);
      if (!server || !listensOn(server, port, t.host) || !node.parent) continue;
      const host = effectiveHeaders(ctx, node.parent).headers.get('host')?.d.args[1]?.value;
      const backHere = host === undefined ? defaultFor(ctx, server, port) : /^\$(host|http_host|server_name)$/.test(host);
      if (!backHere) continue;
      ctx.report(node, `proxy_pass to ${t.host}:${port} loops back into this server, which listens on ${port}. The same URI comes back to this location until worker connections run out`);
    }
  },
};
