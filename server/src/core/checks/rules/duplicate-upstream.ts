// Rule: duplicate-upstream. Two upstream blocks with one name in the same module (http or
// stream): `duplicate upstream "backend"`.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'duplicate-upstream',
  severity: 'error',
  summary: 'two upstream blocks with the same name',
  fix: 'none',
  check(ctx) {
    const seen = new Map<string, { file: string; start: number; end: number }>();
    for (const node of ctx.model.blocks) {
      if ((node.body !== 'upstream' && node.body !== 'stream_upstream') || !node.d.args[0]) continue;
      const key = `${node.body}:${node.d.args[0].value.toLowerCase()}`;
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { file: node.file.source.path, start: node.d.start, end: node.d.headEnd });
        continue;
      }
      ctx.report(node, `duplicate upstream "${node.d.args[0].value}"`, { related: [{ ...first, message: 'first defined here' }] });
    }
  },
};
