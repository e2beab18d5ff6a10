// Rule: upstream-no-servers. An upstream block without any server: nginx stops with
// `no servers are inside upstream`.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'upstream-no-servers',
  severity: 'error',
  summary: 'an upstream block with no server in it',
  fix: 'none',
  check(ctx) {
    for (const node of ctx.model.blocks) {
      if ((node.body !== 'upstream' && node.body !== 'stream_upstream') || node.children.some((c) => c.d.name === 'server')) continue;
      ctx.report(node, `no servers are inside upstream "${node.d.args[0]?.value ?? ''}"`);
    }
  },
};
