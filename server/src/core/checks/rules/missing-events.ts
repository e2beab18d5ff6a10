// Rule: missing-events. nginx refuses a main config without an events block:
// `no "events" section in configuration`.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'missing-events',
  severity: 'error',
  summary: 'a root config without an events block',
  fix: 'none',
  check(ctx) {
    const { set } = ctx;
    if (set.startContext !== 'main') return;
    const top = set.main;
    if (top.some((n) => n.d.name === 'events')) return;
    const first = top.find((n) => ['http', 'stream', 'mail'].includes(n.d.name)) ?? top[0];
    const message = 'no "events" section in configuration; add "events { }" at the top level';
    if (first) ctx.report(first, message);
    else ctx.reportAt(set.rootPath, 0, 0, message);
  },
};
