// Rule: upstream-all-servers-down. An upstream whose every server is marked "down" can never
// answer: each request gets 502 "no live upstreams".
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'upstream-all-servers-down',
  severity: 'warning',
  summary: 'an upstream whose servers are all marked down',
  fix: 'none',
  check(ctx) {
    for (const up of ctx.model.blocks) {
      if (up.body !== 'upstream' && up.body !== 'stream_upstream') continue;
      const servers = up.children.filter((c) => c.d.name === 'server');
      if (servers.length === 0 || !servers.every((s) => s.d.args.slice(1).some((a) => a.value === 'down'))) continue;
      const result = up.body === 'stream_upstream' ? 'each connection is closed ("no live upstreams")' : 'each request gets 502 "no live upstreams"';
      ctx.report(up, `every server of upstream "${up.d.args[0]?.value ?? ''}" is marked down; ${result}`);
    }
  },
};
