// Rule: charset-map-missing. Recoding between source_charset and charset needs a charset_map for
// that pair (Debian ships koi-utf, koi-win and win-utf to include): otherwise nginx stops with
// `no "charset_map" between the charsets "utf-8" and "windows-1251"`.
import type { Rule } from '../rule';

export const rule: Rule = {
  id: 'charset-map-missing',
  severity: 'error',
  summary: 'charset and source_charset differ and no charset_map joins them',
  check(ctx) {
    const maps = new Set<string>();
    for (const n of ctx.model.named('charset_map')) {
      if (n.d.args.length === 2) {
        const [a, b] = n.d.args.map((x) => x.value.toLowerCase());
        maps.add(`${a}|${b}`).add(`${b}|${a}`);
      }
    }
    for (const n of ctx.model.named('charset')) {
      if (!n.d.args[0] || !n.parent) continue;
      const target = n.d.args[0].value.toLowerCase();
      const source = ctx.model.effective(n.parent, 'source_charset').nodes[0]?.d.args[0]?.value.toLowerCase();
      if (!source || target === 'off' || source === target || target.includes('$') || maps.has(`${source}|${target}`)) continue;
      ctx.report(n, `no "charset_map" between the charsets "${source}" and "${target}"; include a charset_map for this pair (e.g. /etc/nginx/win-utf)`);
    }
  },
};
