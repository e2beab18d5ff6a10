// Rule: unknown-log-format. access_log naming a format no log_format defines (the built-in
// "combined" aside): nginx stops with `unknown log format "mian"`.
import type { Rule } from '../rule';
import { closestMatch } from '../../util/strings';

export const rule: Rule = {
  id: 'unknown-log-format',
  severity: 'error',
  summary: 'access_log with a format name that is not defined',
  check(ctx) {
    const defined = new Map<string, Set<string>>([['http', new Set(['combined'])], ['stream', new Set()]]);
    for (const n of ctx.model.named('log_format')) {
      if (n.d.args[0] && defined.has(n.ctx)) defined.get(n.ctx)!.add(n.d.args[0].value);
    }
    for (const n of ctx.model.named('access_log')) {
      if (n.d.args.length < 2) continue;
      const family = n.ctx.startsWith('stream') ? 'stream' : 'http';
      const fmt = n.d.args[1]!;
      if (fmt.value.includes('=') || fmt.value.includes('$')) continue;
      const names = defined.get(family)!;
      if (names.has(fmt.value)) continue;
      const near = closestMatch(fmt.value, names);
      ctx.report(n, `unknown log format "${fmt.value}"${near ? `; did you mean "${near}"?` : ''}`, { start: fmt.start, end: fmt.end });
    }
  },
};
