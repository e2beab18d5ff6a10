// Rule: listen-ssl-without-certificate. Once any server listens with "ssl" on an address:port,
// that address:port speaks TLS, and its default server (default_server, else the first server
// listening there) must have a certificate: otherwise nginx stops with `no "ssl_certificate" is
// defined for the "listen ... ssl" directive`. Other servers there without a certificate pass
// nginx -t, but their clients get the default server's certificate (a name mismatch). In stream,
// every server with "listen ... ssl" needs one. The error stands on the server line, where nginx
// puts it.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { parseListen } from '../../values/listen';

function addrKey(l: ConfigNode): string | null {
  const a = parseListen(l.d.args[0]?.value ?? '');
  if (a.invalidPort !== undefined || l.d.args[0]?.value.includes('$')) return null;
  return a.unix ? a.host : `${a.host === '*' ? '0.0.0.0' : a.host === 'localhost' ? '127.0.0.1' : a.host}:${a.port}`;
}

function hasCertificate(ctx: RuleContext, server: ConfigNode): boolean {
  if (ctx.model.effectiveNodes(server, 'ssl_certificate').length) return true;
  return ctx.model.first(server, 'ssl_reject_handshake')?.d.args[0]?.value === 'on';
}

const FIX_HINT = 'add ssl_certificate and ssl_certificate_key to this server (or to http)';

export const rule: Rule = {
  id: 'listen-ssl-without-certificate',
  severity: 'error',
  severityNote: 'warning for a server that is not the default for its TLS address',
  summary: 'listen ... ssl in a server without ssl_certificate',
  fix: 'none',
  check(ctx) {
    const byAddr = new Map<string, { ssl: boolean; listens: ConfigNode[] }>();
    for (const l of ctx.model.named('listen')) {
      if (l.ctx === 'stream_server') {
        if (l.d.args.slice(1).some((a) => a.value === 'ssl') && l.parent && !hasCertificate(ctx, l.parent)) {
          ctx.report(l, `no "ssl_certificate" is defined for the "listen ... ssl" directive; ${FIX_HINT}`);
        }
        continue;
      }
      if (l.ctx !== 'server') continue;
      const key = addrKey(l);
      if (!key) continue;
      const entry = byAddr.get(key) ?? { ssl: false, listens: [] };
      entry.ssl ||= l.d.args.slice(1).some((a) => a.value === 'ssl');
      entry.listens.push(l);
      byAddr.set(key, entry);
    }
    const reported = new Set<ConfigNode>();
    for (const [addr, { ssl, listens }] of byAddr) {
      if (!ssl) continue;
      const def = listens.find((l) => l.d.args.slice(1).some((a) => a.value === 'default_server' || a.value === 'default')) ?? listens[0]!;
      for (const l of listens) {
        const server = l.parent!;
        if (reported.has(server) || hasCertificate(ctx, server)) continue;
        reported.add(server);
        // nginx names the server block's line, so the diagnostic stands there, with the listen related
        if (l === def) ctx.report(server, `no "ssl_certificate" is defined for the "listen ... ssl" directive. This is the default server for ${addr}, which speaks TLS; ${FIX_HINT}`, { related: [{ file: l.file.source.path, start: l.d.start, end: l.d.headEnd, message: 'listen here' }] });
        else ctx.report(l, `this server has no ssl_certificate; TLS clients asking for it get the default server's certificate for ${addr} (a name mismatch)`, { severity: 'warning' });
      }
    }
  },
};
