// Rule: https-to-plain-http-upstream. proxy_pass https:// to a backend that speaks plain HTTP
// makes nginx start a TLS handshake the backend answers with HTTP: every request ends in 502
// with "SSL_do_handshake() failed ... wrong version number". A guess from the port, so only for
// ports that are plain HTTP by strong convention (80, 3000, 5000, 8000, 8080, 8888) or that this
// config itself serves without ssl; the doctor connects and looks at what the port answers.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { PLAIN_HTTP_PORTS, passTarget } from '../proxy';
import { parseListen } from '../../values/listen';

function plainListens(ctx: RuleContext): Set<number> {
  const ports = new Set<number>();
  for (const l of ctx.model.named('listen')) {
    if (l.ctx !== 'server' || l.d.args.some((a) => a.value === 'ssl' || a.value === 'quic')) continue;
    const p = parseListen(l.d.args[0]?.value ?? '').port;
    if (p) ports.add(p);
  }
  return ports;
}

function serverPort(s: ConfigNode): number | null {
  const addr = s.d.args[0]?.value ?? '';
  if (addr.startsWith('unix:')) return null;
  const m = /:(\d+)$/.exec(addr);
  return m ? Number(m[1]) : 80;
}

export const rule: Rule = {
  id: 'https-to-plain-http-upstream',
  severity: 'warning',
  summary: 'proxy_pass https:// to a port that serves plain HTTP',
  fix: 'all',
  check(ctx) {
    let local: Set<number> | undefined;
    for (const node of ctx.model.named('proxy_pass')) {
      const t = passTarget(ctx, node);
      if (!t || t.scheme !== 'https' || t.hasVariables) continue;
      let why: string | undefined;
      if (t.upstream) {
        const ports = t.upstream.children.filter((c) => c.d.name === 'server').map(serverPort);
        if (ports.length && ports.every((p) => p !== null && PLAIN_HTTP_PORTS.has(p))) why = `upstream "${t.host}" uses port ${[...new Set(ports)].join(', ')}, usually plain HTTP`;
      } else if (t.port !== null && t.port !== 443) {
        local ??= plainListens(ctx);
        const isLocal = ['127.0.0.1', 'localhost', '[::1]'].includes(t.host);
        if (PLAIN_HTTP_PORTS.has(t.port)) why = `port ${t.port} usually serves plain HTTP`;
        else if (isLocal && local.has(t.port)) why = `this config listens on ${t.port} without ssl`;
      }
      if (!why) continue;
      const arg = node.d.args[0]!;
      const raw = node.file.source.text.slice(arg.start, arg.end);
      const at = arg.start + raw.toLowerCase().indexOf('https');
      ctx.report(node, `proxy_pass https:// but ${why}. If it does, the TLS handshake fails with "wrong version number" and every request gets 502; "nginx-doctor doctor" checks what the port speaks`, {
        start: arg.start,
        end: arg.end,
        fixes: [{ title: 'Use http://', edits: [{ file: node.file.source.path, start: at, end: at + 5, newText: 'http' }], isPreferred: true }],
      });
    }
  },
};
