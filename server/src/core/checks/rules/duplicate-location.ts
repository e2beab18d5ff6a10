// Rule: duplicate-location. Two exact ("=") or two prefix locations (plain or "^~") with the
// same URI at one level: `duplicate location "/api"` (ngx_http_join_exact_locations).
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';
import { locationInfo } from './location-nesting';

function key(node: ConfigNode): string | null {
  const info = locationInfo(node);
  if (!info || info.regex || info.named) return null;
  return `${info.exact ? 'exact' : 'prefix'}:${info.name}`;
}

export const rule: Rule = {
  id: 'duplicate-location',
  severity: 'error',
  summary: 'two locations with the same URI and kind in one block',
  fix: 'none',
  check(ctx) {
    // a snippet read alone (in a server or location) has its locations at the top level
    const levels = new Set<readonly ConfigNode[]>(ctx.model.locations.map((l) => l.parent?.children ?? ctx.set.main));
    for (const level of levels) {
      const seen = new Map<string, ConfigNode>();
      for (const loc of level) {
        if (loc.body !== 'location') continue;
        const k = key(loc);
        if (!k) continue;
        const first = seen.get(k);
        if (!first) {
          seen.set(k, loc);
          continue;
        }
        const uri = locationInfo(loc)!.name;
        ctx.report(loc, `duplicate location "${uri}"`, {
          related: [{ file: first.file.source.path, start: first.d.start, end: first.d.headEnd, message: 'first defined here' }],
        });
      }
    }
  },
};
