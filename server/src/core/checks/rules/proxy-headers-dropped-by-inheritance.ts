// Rule: proxy-headers-dropped-by-inheritance. proxy_set_header at a lower level replaces the
// whole list set above it: a location that adds one header silently stops sending Host,
// X-Forwarded-For, Upgrade ... that the server or http level set.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';
import { copyInherited } from '../../fixes/inherited-lines';
import { addToOwnList } from '../../fixes/headers';

const LEVEL: Record<string, string> = { http: 'http', server: 'server', location: 'location', if_location: '"if"' };

function proxies(block: ConfigNode): boolean {
  return block.children.some((c) => c.d.name === 'proxy_pass' || (c.body === 'if_location' && proxies(c)) || (c.body === 'location' && proxies(c)));
}

export const rule: Rule = {
  id: 'proxy-headers-dropped-by-inheritance',
  severity: 'warning',
  summary: 'proxy_set_header in a block drops the headers set at an outer level',
  fix: 'all',
  check(ctx) {
    const blocks = new Set(ctx.model.named('proxy_set_header').map((n) => n.parent).filter((p): p is ConfigNode => !!p && p.body !== 'http'));
    for (const block of blocks) {
      if (!proxies(block)) continue;
      const own = ctx.model.directivesIn(block, 'proxy_set_header');
      const ownNames = new Set(own.map((n) => n.d.args[0]?.value.toLowerCase()));
      const outer = ctx.model.effective(block.parent, 'proxy_set_header');
      // an outer proxy_set_header without arguments is invalid-argument-count's to report, not a header
      const dropped = outer.nodes.filter((n) => n.d.args.length > 0 && !ownNames.has(n.d.args[0]!.value.toLowerCase()));
      if (dropped.length === 0) continue;
      const names = dropped.map((n) => n.d.args[0]!.value);
      const where = outer.level ? LEVEL[outer.level.body ?? ''] ?? outer.level.d.name : 'top';
      const first = own[0]!;
      const what = dropped.length > 1 ? `the ${dropped.length} headers set at ${where} level` : `the header set at ${where} level`;
      ctx.report(first, `proxy_set_header here drops ${what}. No longer sent: ${names.join(', ')}`, {
        start: first.d.nameStart,
        end: first.d.nameEnd,
        related: dropped.map((n) => ({ file: n.file.source.path, start: n.d.start, end: n.d.headEnd, message: 'dropped here' })),
        fixes: () => {
          // the dropped lines as the outer level wrote them (an include there is repeated), where
          // every fix adds to this block's list (never inside a snippet the block includes)
          const copy = copyInherited(ctx.model, block, dropped, [], 'proxy_set_header');
          // an include repeated is named in the title: the block gets that line, not the headers
          const as = copy.names.some((n) => n.startsWith('include ')) ? ` (as ${copy.names.map((n) => (n.startsWith('include ') ? `"${n};"` : n)).join(', ')})` : '';
          const edit = addToOwnList(ctx.model, block, copy.lines);
          const what = dropped.length > 1 ? `the ${dropped.length} dropped headers` : 'the dropped header';
          return edit ? [{ title: `Copy ${what} into this block${as}`, edits: [edit], isPreferred: true }] : [];
        },
      });
    }
  },
};
