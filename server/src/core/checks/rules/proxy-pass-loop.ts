// Rule: proxy-pass-loop. A server proxying to an address and port it listens on itself sends
// each request back into the same server: the loop repeats until worker_connections run out,
// then requests fail with 500/502 and "worker_connections are not enough".
import type { Rule } from '../rule';
import { passTarget } from '../proxy';
import { parseListen } from '../../values/listen';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const rule: Rule = {
  id: 'proxy-pass-loop',
  severity: 'warning',
  summary: 'a server that proxies to its own listen address',
  check(ctx) {
    for (const node of ctx.model.named('proxy_pass')) {
      const t = passTarget(ctx, node);
      if (!t || t.hasVariables || t.upstream || !LOOPBACK.has(t.host)) continue;
      const port = t.port ?? (t.scheme === 'https' ? 443 : 80);
      const server = ctx.model.enclosing(node, ['server']);
      if (!server) continue;
      const own = server.children.filter((c) => c.d.name === 'listen').map((l) => parseListen(l.d.args[0]?.value ?? ''));
      if (!own.some((a) => a.port === port && (a.host === '*' || LOOPBACK.has(a.host)))) continue;
      ctx.report(node, `this server listens on port ${port} and proxies to ${t.host}:${port}, so requests loop back into it until worker connections run out`);
    }
  },
};
