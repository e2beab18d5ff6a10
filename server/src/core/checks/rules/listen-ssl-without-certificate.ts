// Rule: listen-ssl-without-certificate. A server that listens with "ssl" but has no
// ssl_certificate (own or inherited from http) and does not reject handshakes:
// `no "ssl_certificate" is defined for the "listen ... ssl" directive`.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'listen-ssl-without-certificate',
  severity: 'error',
  summary: 'listen ... ssl in a server without ssl_certificate',
  check(ctx) {
    for (const server of ctx.model.servers) {
      const listen = server.children.find((c) => c.d.name === 'listen' && c.d.args.slice(1).some((a) => a.value === 'ssl'));
      if (!listen) continue;
      if (ctx.model.effective(server, 'ssl_certificate').nodes.length) continue;
      const reject = ctx.model.effective(server, 'ssl_reject_handshake').nodes[0];
      if (reject?.d.args[0]?.value === 'on') continue;
      ctx.report(listen, 'no "ssl_certificate" is defined for the "listen ... ssl" directive; add ssl_certificate and ssl_certificate_key to this server (or to http)');
    }
  },
};
