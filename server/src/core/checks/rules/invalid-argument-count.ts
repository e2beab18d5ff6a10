// Rule: invalid-argument-count. nginx checks the number of arguments against the directive's
// declaration: `invalid number of arguments in "x" directive`.
import type { Rule } from '../rule';
import { classify } from '../structure';

export const rule: Rule = {
  id: 'invalid-argument-count',
  severity: 'error',
  summary: 'a directive with a number of arguments nginx does not accept',
  check(ctx) {
    for (const node of ctx.set.all) {
      if (classify(node, ctx.catalog, ctx.version).kind !== 'argument-count') continue;
      const syntax = ctx.catalog.inVersion(node.d.name, ctx.version).flatMap((r) => r.syntax ?? [])[0];
      const hint = syntax ? ` (syntax: ${syntax})` : '';
      ctx.report(node, `invalid number of arguments in "${node.d.name}" directive${hint}`);
    }
  },
};
