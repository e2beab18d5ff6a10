// Rule: unknown-directive. A name no nginx module (nor lua, headers-more, njs) declares for the
// configured version: nginx refuses to start with `unknown directive "x"`.
import type { Rule } from '../rule';
import { classify, withVerdict } from '../structure';

export const rule: Rule = {
  id: 'unknown-directive',
  severity: 'error',
  summary: 'a directive name that nginx does not know',
  fix: 'none',
  versions: { note: 'directives of the configured version' },
  check(ctx) {
    for (const node of withVerdict(ctx, 'unknown')) {
      const v = classify(node, ctx.catalog, ctx.version);
      if (v.kind !== 'unknown') continue;
      let message = `unknown directive "${node.d.name}"`;
      if (v.otherVersions) message += ` in this nginx version (it exists in ${v.otherVersions})`;
      else if (v.suggestion) message += `; did you mean "${v.suggestion}"?`;
      ctx.report(node, message, { start: node.d.nameStart, end: node.d.nameEnd });
    }
  },
};
