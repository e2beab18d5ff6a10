// Rule: invalid-if-condition. The head of an `if` block as ngx_http_rewrite_if_condition reads
// it: "(" must open the first word and ")" close the last, the left side of a comparison must be
// a variable written bare ("$var", not "\"$var\""), comparisons take one operand, and file tests
// are -f -d -e -x or their ! forms. nginx says `invalid condition "..."` and refuses to start.
import type { Rule } from '../rule';
import { classify, isTemplatePlaceholder } from '../structure';
import { ifTokens, parseIfCondition, type IfToken } from '../../values/if-condition';

function hint(tokens: readonly IfToken[], token: IfToken): string {
  if (token === tokens[0] && !token.value.startsWith('(')) return '; the condition must be in parentheses, e.g. if ($var = value) { ... }';
  if (token === tokens[tokens.length - 1] && !token.value.endsWith(')')) return '; is the closing ")" missing?';
  if (/^\(?["']/.test(token.value)) return '; the left side must be a bare variable such as $host (quotes belong on the right side only)';
  return '';
}

export const rule: Rule = {
  id: 'invalid-if-condition',
  severity: 'error',
  summary: 'an if condition that nginx cannot parse',
  fix: 'none',
  check(ctx) {
    for (const node of ctx.model.named('if')) {
      if (node.d.name !== 'if' || node.d.terminator !== '{') continue;
      const v = classify(node, ctx.catalog, ctx.version);
      if (v.kind !== 'ok' || !v.records.every((r) => r.module === 'ngx_http_rewrite_module')) continue;
      if (node.d.args.some((a) => isTemplatePlaceholder(a.value))) continue;
      const tokens = ifTokens(node.d.args, node.file.source.text);
      const { problem } = parseIfCondition(tokens);
      if (!problem) continue;
      ctx.report(node, problem.message + hint(tokens, problem.token), { start: problem.token.start, end: problem.token.end });
    }
  },
};
