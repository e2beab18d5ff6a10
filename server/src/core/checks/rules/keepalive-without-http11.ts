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
  check(ctx) {
    const view = versionView(ctx.version);
    if (view.keepaliveByDefault) return;
    for (const node of ctx.model.named('proxy_pass')) {
      const target = passTarget(ctx, node);
      const keepalive = target?.upstream?.children.find((c) => c.d.name === 'keepalive');
      if (!keepalive || !node.parent) continue;
      const version = ctx.model.effective(node.parent, 'proxy_http_version').nodes[0]?.d.args[0]?.value ?? '1.0';
      if (version !== '1.0') continue;
      const block = fixBlock(node);
      const edits = block ? setDirectives(ctx.model, block, [['proxy_http_version', '1.1']]) : [];
      ctx.report(node, `upstream "${target!.host}" keeps idle connections ("keepalive ${keepalive.d.args[0]?.value ?? ''}"), but requests go out as HTTP/1.0 here, so nginx closes each connection after one response${view.note}`, {
        related: [{ file: keepalive.file.source.path, start: keepalive.d.start, end: keepalive.d.headEnd, message: 'keepalive set here' }],
        ...(edits.length ? { fixes: [{ title: 'Use "proxy_http_version 1.1;"', edits, isPreferred: true }] } : {}),
      });
    }
  },
};
