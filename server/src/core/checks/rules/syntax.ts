// Rule: syntax. Problems the tokenizer and parser find: a missing ";" before "}", unbalanced
// braces, an unterminated quote, a character glued to a closing quote.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'syntax',
  severity: 'error',
  summary: 'text nginx cannot parse',
  fix: 'none',
  check(ctx) {
    for (const file of ctx.set.files.values()) {
      for (const p of file.problems) ctx.reportAt(file.source.path, p.start, p.end, p.message);
    }
  },
};
