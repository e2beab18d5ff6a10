// Rule: proxy-forwarded-headers-missing (a hint, off by default). A proxied location that passes
// neither X-Forwarded-For nor X-Real-IP (nor Forwarded) sees nginx's address as the client's in
// the backend's logs, rate limits and allow lists; without X-Forwarded-Proto it cannot tell https
// from http (redirect loops behind TLS termination). Turn it on with
// "nginxDoctor.rules": { "proxy-forwarded-headers-missing": "hint" } or --rule ...=hint.
import type { Rule } from '../rule';
import { effectiveHeaders } from '../proxy';
import { addListLines, fixBlock, inheritedNote } from '../../fixes/headers';

const LINES: Record<string, string> = {
  'x-forwarded-for': 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
  'x-real-ip': 'proxy_set_header X-Real-IP $remote_addr;',
  'x-forwarded-proto': 'proxy_set_header X-Forwarded-Proto $scheme;',
};

export const rule: Rule = {
  id: 'proxy-forwarded-headers-missing',
  severity: 'hint',
  defaultOff: true,
  summary: 'a proxied location that does not pass the client address or scheme (off by default)',
  fix: 'all',
  check(ctx) {
    for (const node of ctx.model.named('proxy_pass')) {
      if (!node.parent || node.ctx.startsWith('stream')) continue;
      const { headers } = effectiveHeaders(ctx, node.parent);
      if (headers.has('forwarded')) continue;
      const noClient = !headers.has('x-forwarded-for') && !headers.has('x-real-ip');
      const noProto = !headers.has('x-forwarded-proto');
      if (!noClient && !noProto) continue;
      const missing = Object.keys(LINES).filter((h) => !headers.has(h) && (h !== 'x-forwarded-proto' ? noClient : true));
      const what = noClient ? 'the backend sees nginx\'s address, not the client\'s' : 'the backend cannot tell https from http';
      ctx.report(node, `No ${noClient ? 'X-Forwarded-For or X-Real-IP' : 'X-Forwarded-Proto'} is passed: ${what}`, {
        fixes: () => {
          const block = fixBlock(node);
          const add = block ? addListLines(ctx.model, block, missing.map((h) => LINES[h]!)) : null;
          return add ? [{ title: `Pass ${missing.map((h) => LINES[h]!.split(' ')[1]).join(', ')}${inheritedNote(add.copied)}`, edits: [add.edit], isPreferred: true }] : [];
        },
      });
    }
  },
};
