// Rule: invalid-flag-value. on/off directives take exactly "on" or "off" (any case):
// `invalid value "yes" in "gzip" directive, it must be "on" or "off"`.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule, RuleContext } from '../rule';
import { isTemplatePlaceholder, structureIndex } from '../structure';

export const rule: Rule = {
  id: 'invalid-flag-value',
  severity: 'error',
  summary: 'an on/off directive with another value',
  fix: 'none',
  check(ctx) {
    for (const [v, nodes] of structureIndex(ctx).ok) {
      if (!v.records.every((r) => r.valueType === 'flag' || r.args === 'flag')) continue;
      for (const node of nodes) checkNode(ctx, node);
    }
  },
};

function checkNode(ctx: RuleContext, node: ConfigNode): void {
  const arg = node.d.args[0];
  if (!arg || /^(on|off)$/i.test(arg.value) || isTemplatePlaceholder(arg.value)) return;
  ctx.report(node, `invalid value "${arg.value}" in "${node.d.name}" directive, it must be "on" or "off"`, {
    start: arg.start,
    end: arg.end,
  });
}
