// Rule: cache-zone-undefined. proxy_cache (fastcgi_cache, uwsgi_cache, scgi_cache) naming a zone
// no *_cache_path keys_zone= defines: `"proxy_cache" zone "appcache" is unknown`.
import type { Rule } from '../rule';
import { closestMatch } from '../../util/strings';

const CACHES = new Set(['proxy_cache', 'fastcgi_cache', 'uwsgi_cache', 'scgi_cache']);

export const rule: Rule = {
  id: 'cache-zone-undefined',
  severity: 'error',
  summary: 'a cache directive using a keys_zone that no *_cache_path defines',
  fix: 'none',
  check(ctx) {
    const zones = new Map<string, Set<string>>();
    for (const n of ['proxy', 'fastcgi', 'uwsgi', 'scgi'].flatMap((p) => ctx.model.named(`${p}_cache_path`))) {
      const m = /^(proxy|fastcgi|uwsgi|scgi)_cache_path$/.exec(n.d.name);
      if (!m) continue;
      for (const a of n.d.args) {
        const z = /^keys_zone=([^:]+)/.exec(a.value);
        if (z) zones.set(`${m[1]}_cache`, (zones.get(`${m[1]}_cache`) ?? new Set()).add(z[1]!));
      }
    }
    for (const n of [...CACHES].flatMap((c) => ctx.model.named(c))) {
      if (n.d.args.length !== 1) continue;
      const arg = n.d.args[0]!;
      if (arg.value === 'off' || arg.value.includes('$')) continue;
      const known = zones.get(n.d.name) ?? new Set<string>();
      if (known.has(arg.value)) continue;
      const near = closestMatch(arg.value, known);
      ctx.report(n, `"${n.d.name}" zone "${arg.value}" is unknown${near ? `; did you mean "${near}"?` : ''}`, { start: arg.start, end: arg.end });
    }
  },
};
