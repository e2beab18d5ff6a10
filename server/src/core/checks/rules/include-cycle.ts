// Rule: include-cycle. A file that includes itself through a chain of includes; nginx would
// recurse until it runs out of file descriptors.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'include-cycle',
  severity: 'error',
  summary: 'includes that loop back to a file already being read',
  fix: 'none',
  check(ctx) {
    for (const p of ctx.set.problems) if (p.code === 'include-cycle') ctx.reportAt(p.file, p.start, p.end, p.message);
  },
};
