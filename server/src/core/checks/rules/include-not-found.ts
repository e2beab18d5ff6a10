// Rule: include-not-found. An include of a file that does not exist: nginx stops with
// `open() "/etc/nginx/x.conf" failed (2: No such file or directory)`. Globs may match nothing.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'include-not-found',
  severity: 'error',
  summary: 'an include whose file does not exist',
  fix: 'none',
  check(ctx) {
    for (const p of ctx.set.problems) if (p.code === 'include-not-found') ctx.reportAt(p.file, p.start, p.end, p.message);
  },
};
