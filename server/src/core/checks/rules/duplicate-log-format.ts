// Rule: duplicate-log-format. Two log_format directives with one name: nginx stops with
// `duplicate "log_format" name "main"`.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'duplicate-log-format',
  severity: 'error',
  summary: 'two log_format directives with the same name',
  check(ctx) {
    const seen = new Map<string, ConfigNode>();
    for (const node of ctx.model.named('log_format')) {
      if (!node.d.args[0] || (node.ctx !== 'http' && node.ctx !== 'stream')) continue;
      const key = `${node.ctx}:${node.d.args[0].value}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, node);
        continue;
      }
      ctx.report(node, `duplicate "log_format" name "${node.d.args[0].value}"`, {
        start: node.d.args[0].start,
        end: node.d.args[0].end,
        related: [{ file: first.file.source.path, start: first.d.start, end: first.d.headEnd, message: 'first defined here' }],
      });
    }
  },
};
