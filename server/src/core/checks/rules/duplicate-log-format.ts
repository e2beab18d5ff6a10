// Rule: duplicate-log-format. Two log_format directives with one name, or a redefinition of the
// built-in "combined": nginx stops with `duplicate "log_format" name "main"`.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'duplicate-log-format',
  severity: 'error',
  summary: 'two log_format directives with the same name',
  fix: 'none',
  check(ctx) {
    const seen = new Map<string, ConfigNode | 'builtin'>([['http:combined', 'builtin']]);
    for (const node of ctx.model.named('log_format')) {
      const arg = node.d.args[0];
      if (!arg || (node.ctx !== 'http' && node.ctx !== 'stream')) continue;
      // Names are compared as written here (nginx allows "main" and "Main"), though access_log ignores case.
      const key = `${node.ctx}:${arg.value}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, node);
        continue;
      }
      const related = first === 'builtin' ? [] : [{ file: first.file.source.path, start: first.d.start, end: first.d.headEnd, message: 'first defined here' }];
      ctx.report(node, `duplicate "log_format" name "${arg.value}"${first === 'builtin' ? ' ("combined" is built in; pick another name)' : ''}`, { start: arg.start, end: arg.end, related });
    }
  },
};
