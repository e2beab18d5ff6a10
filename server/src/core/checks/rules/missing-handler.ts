// Rule: missing-handler. A stream server with nothing to do with its connections (`no handler
// for server`), or a mail server with no auth_http (`no "auth_http" is defined for server`).
import type { Rule } from '../rule';

const STREAM_HANDLERS = /^(proxy_pass|return|pass|content_by_lua(_block|_file)?)$/;

export const rule: Rule = {
  id: 'missing-handler',
  severity: 'error',
  summary: 'a stream server without proxy_pass/return, or a mail server without auth_http',
  fix: 'none',
  check(ctx) {
    for (const server of ctx.model.blocks) {
      if (server.body === 'stream_server') {
        if (server.children.some((c) => STREAM_HANDLERS.test(c.d.name))) continue;
        ctx.report(server, 'no handler for server. A stream server needs proxy_pass or return');
      } else if (server.body === 'mail_server') {
        if (ctx.model.effectiveNodes(server, 'auth_http').length) continue;
        ctx.report(server, 'no "auth_http" is defined for server. Mail proxying asks an auth_http service where to send each user');
      }
    }
  },
};
