// Rule: invalid-argument-count. nginx checks the number of arguments against the directive's
// declaration: `invalid number of arguments in "x" directive`.
import type { Rule } from '../rule';
import { withVerdict } from '../structure';

export const rule: Rule = {
  id: 'invalid-argument-count',
  severity: 'error',
  summary: 'a directive with a number of arguments nginx does not accept',
  fix: 'none',
  versions: { note: 'syntax of the configured version' },
  check(ctx) {
    for (const node of withVerdict(ctx, 'argument-count')) {
      const syntax = ctx.catalog.inVersion(node.d.name, ctx.version).flatMap((r) => r.syntax ?? [])[0];
      const hint = syntax ? ` (syntax: ${syntax})` : '';
      ctx.report(node, `invalid number of arguments in "${node.d.name}" directive${hint}`);
    }
  },
};
