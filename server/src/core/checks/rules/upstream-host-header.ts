// Rule: upstream-host-header. Proxying to an upstream group sends "Host: <group name>" unless
// proxy_set_header Host says otherwise; name-based backends (virtual hosts, most PaaS and CDNs)
// then answer 404/421 or route to the wrong site.
import type { Rule } from '../rule';
import { effectiveHeaders, passTarget } from '../proxy';
import { addListLines, fixBlock, inheritedNote } from '../../fixes/headers';

export const rule: Rule = {
  id: 'upstream-host-header',
  severity: 'info',
  summary: 'proxying to an upstream group with Host left as the group name',
  fix: 'all',
  check(ctx) {
    for (const node of ctx.model.named('proxy_pass')) {
      const t = passTarget(ctx, node);
      if (node.ctx.startsWith('stream') || !t?.upstream || !node.parent || effectiveHeaders(ctx, node.parent).headers.has('host')) continue;
      ctx.report(node, `requests reach upstream "${t.host}" with "Host: ${t.host}"; backends that route by name need proxy_set_header Host $host`, {
        fixes: () => {
          const block = fixBlock(node);
          const add = block ? addListLines(ctx.model, block, ['proxy_set_header Host $host;']) : null;
          return add ? [{ title: `Add proxy_set_header Host $host${inheritedNote(add.copied)}`, edits: [add.edit], isPreferred: true }] : [];
        },
      });
    }
  },
};
