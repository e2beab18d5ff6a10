// Rule: unknown-log-format. The third word of access_log is always a format name, looked up
// (ignoring case) among the log_format directives read before it, "combined" being built in:
// otherwise nginx stops with `unknown log format "mian"`.
import type { Rule } from '../rule';
import { closestMatch } from '../../util/strings';

export const rule: Rule = {
  id: 'unknown-log-format',
  severity: 'error',
  summary: 'access_log with a format name that is not defined before it',
  fix: 'none',
  check(ctx) {
    if (!ctx.model.named('access_log').some((n) => n.d.args.length >= 2)) return;
    const defined = new Map<string, Set<string>>([['http', new Set(['combined'])], ['stream', new Set()]]);
    const later = new Map<string, Set<string>>([['http', new Set()], ['stream', new Set()]]);
    for (const n of ctx.model.named('log_format')) if (n.d.args[0] && later.has(n.ctx)) later.get(n.ctx)!.add(n.d.args[0].value.toLowerCase());
    // set.all is in reading order (includes expanded where they stand), as nginx reads the config.
    for (const n of ctx.set.all) {
      if (n.d.name === 'log_format') {
        if (n.d.args[0] && defined.has(n.ctx)) defined.get(n.ctx)!.add(n.d.args[0].value.toLowerCase());
        continue;
      }
      if (n.d.name !== 'access_log' || n.d.args.length < 2) continue;
      const family = n.ctx.startsWith('stream') ? 'stream' : 'http';
      const fmt = n.d.args[1]!;
      const name = fmt.value.toLowerCase();
      if (defined.get(family)!.has(name)) continue;
      const hint = later.get(family)!.has(name)
        ? '; it is defined further down, but nginx needs log_format before the access_log that uses it'
        : (() => {
            const near = closestMatch(name, defined.get(family)!);
            return near ? `; did you mean "${near}"?` : '';
          })();
      ctx.report(n, `unknown log format "${fmt.value}"${hint}`, { start: fmt.start, end: fmt.end });
    }
  },
};
