// Rule: charset-map-missing. Recoding between source_charset and charset needs a charset_map for
// that pair (Debian ships koi-utf, koi-win and win-utf to include). nginx checks every level
// where the two meet after inheritance, and stops with
// `no "charset_map" between the charsets "utf-8" and "windows-1251"`.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';

const LEVELS = new Set(['http', 'server', 'location', 'if_location']);

export const rule: Rule = {
  id: 'charset-map-missing',
  severity: 'error',
  summary: 'charset and source_charset differ and no charset_map joins them',
  fix: 'none',
  check(ctx) {
    if (!ctx.model.uses('charset') || !ctx.model.uses('source_charset')) return;
    const maps = new Set<string>();
    for (const n of ctx.model.named('charset_map')) {
      if (n.d.args.length !== 2) continue;
      const [a, b] = n.d.args.map((x) => x.value.toLowerCase());
      maps.add(`${a}|${b}`).add(`${b}|${a}`);
    }
    const levels: (ConfigNode | null)[] = ctx.model.blocks.filter((n) => LEVELS.has(n.body!));
    if (ctx.set.startContext !== 'main') levels.push(null);
    const seen = new Set<string>();
    for (const level of levels) {
      const charset = ctx.model.first(level, 'charset');
      const source = ctx.model.first(level, 'source_charset');
      const target = charset?.d.args[0]?.value.toLowerCase();
      const from = source?.d.args[0]?.value.toLowerCase();
      if (!charset || !target || !from || target === 'off' || from === target || target.includes('$') || maps.has(`${from}|${target}`)) continue;
      const key = `${charset.d.start}:${source!.d.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // Point at whichever of the two was set closer to where they meet.
      const [at, other] = source!.d.start > charset.d.start && source!.file === charset.file ? [source!, charset] : [charset, source!];
      ctx.report(at, `no "charset_map" between the charsets "${from}" and "${target}"; include a charset_map for this pair (e.g. /etc/nginx/win-utf)`, {
        related: [{ file: other.file.source.path, start: other.d.start, end: other.d.headEnd, message: `${other.d.name} set here` }],
      });
    }
  },
};
