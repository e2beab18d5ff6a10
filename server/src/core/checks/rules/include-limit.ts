// Rule: include-limit. An include that would make nginx-doctor read more than it safely can (a
// glob matching tens of thousands of files, a tree of links to the same directory): the part
// beyond the limit is not checked, and this says so on the include line instead of staying silent.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'include-limit',
  severity: 'warning',
  summary: 'an include that reaches more files or directories than nginx-doctor reads',
  fix: 'none',
  check(ctx) {
    for (const p of ctx.set.problems) if (p.code === 'include-limit') ctx.reportAt(p.file, p.start, p.end, p.message);
  },
};
