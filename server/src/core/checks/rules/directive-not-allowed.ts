// Rule: directive-not-allowed. A known directive in a context its module does not accept it in,
// e.g. proxy_pass in a server block: `"proxy_pass" directive is not allowed here`.
import type { Rule } from '../rule';
import { withVerdict } from '../structure';
import { familyOf } from '../../catalog/catalog';

const WHERE: Record<string, string> = {
  main: 'the main context', events: 'events', http: 'http', server: 'server', location: 'location',
  upstream: 'upstream', if_server: '"if" in server', if_location: '"if" in location',
  limit_except: 'limit_except', stream: 'stream', stream_server: 'stream server',
  stream_upstream: 'stream upstream', mail: 'mail', mail_server: 'mail server',
};

export const rule: Rule = {
  id: 'directive-not-allowed',
  severity: 'error',
  summary: 'a directive used in a context where nginx does not accept it',
  fix: 'none',
  versions: { note: 'contexts of the configured version' },
  check(ctx) {
    for (const node of withVerdict(ctx, 'not-allowed')) {
      const records = ctx.catalog.inVersion(node.d.name, ctx.version);
      const family = familyOf(node.ctx);
      const sameFamily = records.filter((r) => r.family === family);
      const places = [...new Set((sameFamily.length ? sameFamily : records).flatMap((r) => r.contexts))].map((c) => WHERE[c] ?? c);
      ctx.report(node, `"${node.d.name}" directive is not allowed here (${WHERE[node.ctx] ?? node.ctx}); allowed in: ${places.join(', ')}`, {
        start: node.d.nameStart,
        end: node.d.nameEnd,
      });
    }
  },
};
