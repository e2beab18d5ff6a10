// Rule: limit-req-zone-undefined. limit_req (or limit_conn) naming a zone that no
// limit_req_zone (limit_conn_zone) defines: nginx stops with the cryptic
// `zero size shared memory zone "login"`.
import type { Rule } from '../rule';

const PAIRS: Record<string, string> = { limit_req: 'limit_req_zone', limit_conn: 'limit_conn_zone' };

export const rule: Rule = {
  id: 'limit-req-zone-undefined',
  severity: 'error',
  summary: 'limit_req or limit_conn using a zone that is never defined',
  check(ctx) {
    const zones = new Map<string, Set<string>>();
    for (const n of [...ctx.model.named('limit_req_zone'), ...ctx.model.named('limit_conn_zone')]) {
      const family = n.ctx.startsWith('stream') ? 'stream' : 'http';
      for (const a of n.d.args) {
        const m = /^zone=([^:]+)/.exec(a.value);
        if (m) zones.set(`${family}:${n.d.name}`, (zones.get(`${family}:${n.d.name}`) ?? new Set()).add(m[1]!));
      }
    }
    for (const n of [...ctx.model.named('limit_req'), ...ctx.model.named('limit_conn')]) {
      const def = PAIRS[n.d.name]!;
      const family = n.ctx.startsWith('stream') ? 'stream' : 'http';
      const arg = n.d.name === 'limit_req' ? n.d.args.find((a) => a.value.startsWith('zone=')) : n.d.args[0];
      if (!arg) continue;
      const name = n.d.name === 'limit_req' ? arg.value.slice(5) : arg.value;
      if (name.includes('$') || zones.get(`${family}:${def}`)?.has(name)) continue;
      ctx.report(n, `"${n.d.name}" uses zone "${name}", which no "${def}" defines (nginx -t says: zero size shared memory zone "${name}")`, { start: arg.start, end: arg.end });
    }
  },
};
