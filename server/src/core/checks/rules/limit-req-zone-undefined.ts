// Rule: limit-req-zone-undefined. limit_req (or limit_conn) naming a zone that no
// limit_req_zone (limit_conn_zone) defines: nginx stops with the cryptic
// `zero size shared memory zone "login"`.
import type { Rule } from '../rule';

const PAIRS: Record<string, string> = { limit_req: 'limit_req_zone', limit_conn: 'limit_conn_zone' };

export const rule: Rule = {
  id: 'limit-req-zone-undefined',
  severity: 'error',
  summary: 'limit_req or limit_conn using a zone that is never defined',
  fix: 'none',
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
      if (zones.get(`${family}:${def}`)?.has(name)) continue;
      const other = zones.get(`${family}:${def === 'limit_req_zone' ? 'limit_conn_zone' : 'limit_req_zone'}`)?.has(name);
      const why = other ? `is declared by ${def === 'limit_req_zone' ? 'limit_conn_zone' : 'limit_req_zone'}, not ${def}. nginx -t says: the shared memory zone "${name}" is already declared for a different use` : `is not defined by any ${def}.${name.includes('$') ? ' Zone names are not variables;' : ''} nginx -t says: zero size shared memory zone "${name}"`;
      ctx.report(n, `zone "${name}" used by "${n.d.name}" ${why}`, { start: arg.start, end: arg.end });
    }
  },
};
