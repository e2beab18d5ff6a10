// Rule: keepalive-without-http11. Before nginx 1.29.7 proxying speaks HTTP/1.0 unless
// proxy_http_version says 1.1, and an HTTP/1.0 upstream connection is closed after every
// response: the upstream's "keepalive" cache stays empty, and under load every request opens a
// new connection (TIME_WAIT pile-up, "Cannot assign requested address", 502).
import type { Rule } from '../rule';
import { passTarget, versionView } from '../proxy';
import { fixBlock, setDirectives } from '../../fixes/headers';

export const rule: Rule = {
  id: 'keepalive-without-http11',
  severity: 'warning',
  summary: 'proxy_pass to a keepalive upstream over HTTP/1.0',
  fix: 'all',
  versions: { before: '1.29.7' },
  check(ctx) {
    const view = versionView(ctx.version);
    if (view.keepaliveByDefault) return;
    if (!ctx.model.uses('keepalive')) return;
    for (const node of ctx.model.named('proxy_pass')) {
      if (!node.parent) continue;
      const target = passTarget(ctx, node);
      const keepalive = target?.upstream ? ctx.model.directivesIn(target.upstream, 'keepalive')[0] : undefined;
      if (!keepalive) continue;
      const version = ctx.model.first(node.parent, 'proxy_http_version')?.d.args[0]?.value ?? '1.0';
      if (version !== '1.0') continue;
      ctx.report(node, `upstream "${target!.host}" keeps idle connections ("keepalive ${keepalive.d.args[0]?.value ?? ''}"), but requests go out as HTTP/1.0 here, so nginx closes each connection after one response${view.note}`, {
        related: [{ file: keepalive.file.source.path, start: keepalive.d.start, end: keepalive.d.headEnd, message: 'keepalive set here' }],
        fixes: () => {
          const block = fixBlock(node);
          const edits = block ? setDirectives(ctx.model, block, [['proxy_http_version', '1.1']]) : [];
          return edits.length ? [{ title: 'Use "proxy_http_version 1.1;"', edits, isPreferred: true }] : [];
        },
      });
    }
  },
};
