// Rule: proxy-pass-loop. A location proxying, with the URI unchanged, to an address and port its
// own server listens on sends each request back into the same server and location: the loop
// repeats until worker_connections run out, then requests fail with 500/502 and
// "worker_connections are not enough". The request comes back to this server when it forwards
// the client's Host, or when Host stays the loopback address and this is the default server.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { effectiveHeaders, passTarget } from '../proxy';
import { parseListen } from '../../values/listen';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function listensOn(server: ConfigNode, port: number): ConfigNode | undefined {
  return server.children.find((c) => {
    if (c.d.name !== 'listen') return false;
    const a = parseListen(c.d.args[0]?.value ?? '');
    return a.port === port && (a.host === '*' || LOOPBACK.has(a.host));
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
      if (!server || !listensOn(server, port) || !node.parent) continue;
      const host = effectiveHeaders(ctx, node.parent).headers.get('host')?.d.args[1]?.value;
      const backHere = host === undefined ? defaultFor(ctx, server, port) : /^\$(host|http_host|server_name)$/.test(host);
      if (!backHere) continue;
      ctx.report(node, `this server listens on port ${port} and proxies the same URI to ${t.host}:${port}, so requests come back to this location and loop until worker connections run out`);
    }
  },
};
