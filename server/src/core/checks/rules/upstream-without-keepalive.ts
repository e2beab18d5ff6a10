// Rule: upstream-without-keepalive. Before nginx 1.29.7 an upstream group without "keepalive"
// opens a new TCP connection for every proxied request; under load the ephemeral ports run out
// ("Cannot assign requested address", errno 99) and requests fail with 502. Not suggested for an
// upstream that only WebSocket locations use (their connections are long-lived anyway).
import type { Rule } from '../rule';
import { isWebSocketBlock, passTarget, versionView } from '../proxy';
import { insertIntoBlock } from '../../fixes/builders';

export const rule: Rule = {
  id: 'upstream-without-keepalive',
  severity: 'info',
  summary: 'an upstream group without keepalive (nginx before 1.29.7)',
  fix: 'editor',
  versions: { before: '1.29.7' },
  check(ctx) {
    const view = versionView(ctx.version);
    if (view.keepaliveByDefault) return;
    for (const up of ctx.model.blocks) {
      if (up.body !== 'upstream' || up.children.some((c) => c.d.name === 'keepalive')) continue;
      if (!up.children.some((c) => c.d.name === 'server')) continue;
      // used only by WebSocket locations: each connection is long-lived, keepalive would not help
      const users = ctx.model.named('proxy_pass').filter((p) => passTarget(ctx, p)?.upstream === up);
      if (users.length && users.every((p) => isWebSocketBlock(ctx, p.parent, up.d.args[0]?.value))) continue;
      const edit = insertIntoBlock(up, ['keepalive 16;']);
      ctx.report(up, `upstream "${up.d.args[0]?.value ?? ''}" has no keepalive: every proxied request opens a new connection${view.note}`, {
        ...(edit ? { fixes: [{ title: 'Add "keepalive 16;" (also needs proxy_http_version 1.1 and Connection "")', edits: [edit] }] } : {}),
      });
    }
  },
};
