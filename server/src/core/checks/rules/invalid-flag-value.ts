// Rule: invalid-flag-value. on/off directives take exactly "on" or "off" (any case):
// `invalid value "yes" in "gzip" directive, it must be "on" or "off"`.
import type { Rule } from '../rule';
import { classify, isTemplatePlaceholder } from '../structure';

export const rule: Rule = {
  id: 'invalid-flag-value',
  severity: 'error',
  summary: 'an on/off directive with another value',
  check(ctx) {
    for (const node of ctx.set.all) {
      const v = classify(node, ctx.catalog, ctx.version);
      if (v.kind !== 'ok' || !v.records.every((r) => r.valueType === 'flag' || r.args === 'flag')) continue;
      const arg = node.d.args[0];
      if (!arg || /^(on|off)$/i.test(arg.value) || isTemplatePlaceholder(arg.value)) continue;
      ctx.report(node, `invalid value "${arg.value}" in "${node.d.name}" directive, it must be "on" or "off"`, {
        start: arg.start,
        end: arg.end,
      });
    }
  },
};
