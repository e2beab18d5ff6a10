// Rule: block-mismatch. A block directive ended with ";" (`directive "x" has no opening "{"`) or
// a simple directive followed by "{" (`directive "x" is not terminated by ";"`), usually a
// missing semicolon that swallowed the next line.
import type { Rule } from '../rule';
import { withVerdict } from '../structure';

export const rule: Rule = {
  id: 'block-mismatch',
  severity: 'error',
  summary: 'a block directive without "{" or a simple directive followed by "{"',
  fix: 'none',
  check(ctx) {
    for (const node of withVerdict(ctx, 'no-opening-brace')) ctx.report(node, `directive "${node.d.name}" has no opening "{"`);
    for (const node of withVerdict(ctx, 'not-terminated')) ctx.report(node, `directive "${node.d.name}" is not terminated by ";"`);
  },
};
