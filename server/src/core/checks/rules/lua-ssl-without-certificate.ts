// Rule: lua-ssl-without-certificate. ssl_certificate_by_lua* or ssl_client_hello_by_lua* (lua
// module) in a server that has no TLS of its own: no ssl_certificate (set there or inherited) and
// no ssl_reject_handshake on. The Lua handler hooks into the server's TLS context, which nginx
// only creates with a certificate, so nginx refuses to start with "no ssl configured for the
// server" (and names no line: ours is on the Lua directive).
import type { Rule } from '../rule';

const HOOKS = ['ssl_certificate_by_lua_block', 'ssl_certificate_by_lua_file', 'ssl_client_hello_by_lua_block', 'ssl_client_hello_by_lua_file'];

export const rule: Rule = {
  id: 'lua-ssl-without-certificate',
  severity: 'error',
  summary: 'ssl_certificate_by_lua / ssl_client_hello_by_lua in a server without ssl_certificate',
  fix: 'none',
  check(ctx) {
    for (const node of HOOKS.flatMap((h) => ctx.model.named(h))) {
      const server = ctx.model.enclosing(node, ['server']) ?? (node.ctx === 'http' ? null : undefined);
      if (server === undefined) continue;
      // set at http level: every server inherits it, so each one without TLS is refused
      const servers = server ? [server] : ctx.model.servers;
      const bare = servers.find((s) => !ctx.model.effectiveNodes(s, 'ssl_certificate').length && ctx.model.first(s, 'ssl_reject_handshake')?.d.args[0]?.value !== 'on');
      if (!bare) continue;
      ctx.report(node, `no ssl configured for the server: ${node.d.name} needs the server's TLS; add ssl_certificate and ssl_certificate_key (with listen ... ssl)`, { start: node.d.nameStart, end: node.d.nameEnd });
    }
  },
};
