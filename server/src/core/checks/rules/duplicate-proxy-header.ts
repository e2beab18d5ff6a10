// Rule: duplicate-proxy-header. One block sets the same proxy_set_header name twice (names compare
// without case). nginx -t says nothing, and nginx sends both lines: the backend reads the first or
// the last, and two Host headers are often answered with 400. Keep one.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'duplicate-proxy-header',
  severity: 'warning',
  summary: 'the same proxy_set_header name twice in one block',
  fix: 'none',
  check(ctx) {
    for (const directive of ['proxy_set_header', 'grpc_set_header']) {
      const blocks = new Set(ctx.model.named(directive).map((n) => n.parent));
      for (const block of blocks) {
        const seen = new Map<string, ConfigNode>();
        for (const n of ctx.model.directivesIn(block, directive)) {
          const name = n.d.args[0]?.value;
          if (!name || name.includes('$')) continue;
          const first = seen.get(name.toLowerCase());
          if (!first) {
            seen.set(name.toLowerCase(), n);
            continue;
          }
          ctx.report(n, `${directive} ${name} is set twice in this block: nginx sends both lines. Backends read either one (two Host headers are often a 400); keep one`, {
            start: n.d.args[0]!.start,
            end: n.d.args[0]!.end,
            related: [{ file: first.file.source.path, start: first.d.start, end: first.d.headEnd, message: 'first set here' }],
          });
        }
      }
    }
  },
};
