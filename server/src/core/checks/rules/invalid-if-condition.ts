// Rule: invalid-if-condition. The head of an `if` block as ngx_http_rewrite_if_condition reads
// it: "(" must open the first word and ")" close the last, the left side of a comparison must be
// a variable written bare ("$var", not "\"$var\""), comparisons take one operand, and file tests
// are -f -d -e -x or their ! forms. nginx says `invalid condition "..."` and refuses to start.
import type { Rule } from '../rule';
import { classify, isTemplatePlaceholder } from '../structure';
import { ifTokens, parseIfCondition } from '../../values/if-condition';

function hint(message: string, token: string): string {
  if (/^["'].*\$/.test(token)) return `${message}; the left side must be a bare variable such as $host (quote only the right side)`;
  if (message.startsWith('invalid condition') && !token.endsWith(')')) return `${message}; is the closing ")" missing?`;
  return message;
}

export const rule: Rule = {
  id: 'invalid-if-condition',
  severity: 'error',
  summary: 'an if condition that nginx cannot parse',
  check(ctx) {
    for (const node of ctx.set.all) {
      if (node.d.name !== 'if' || node.d.terminator !== '{') continue;
      const v = classify(node, ctx.catalog, ctx.version);
      if (v.kind !== 'ok' || !v.records.every((r) => r.module === 'ngx_http_rewrite_module')) continue;
      if (node.d.args.some((a) => isTemplatePlaceholder(a.value))) continue;
      const tokens = ifTokens(node.d.args, node.file.source.text);
      const { problem } = parseIfCondition(tokens);
      if (!problem) continue;
      const last = problem.token === tokens[tokens.length - 1];
      const message = last || problem.message.includes('"$') ? problem.message : hint(problem.message, problem.token.value.replace(/^\(/, ''));
      ctx.report(node, last ? hint(message, problem.token.value) : message, { start: problem.token.start, end: problem.token.end });
    }
  },
};
