// Rule: keepalive-connection-header. Before nginx 1.29.7 every proxied request carries
// "Connection: close" unless proxy_set_header Connection "" clears it, so upstream keepalive
// never takes effect; a hard-coded "close" defeats it on any version.
import type { Rule } from '../rule';
import { effectiveHeaders, isWebSocketBlock, passTarget, versionView } from '../proxy';
import { addListDirectives, fixBlock } from '../../fixes/headers';
import { replaceText } from '../../fixes/builders';

export const rule: Rule = {
  id: 'keepalive-connection-header',
  severity: 'warning',
  summary: 'proxy_pass to a keepalive upstream while "Connection: close" is sent',
  fix: 'all',
  versions: { note: 'a missing Connection "" only before 1.29.7' },
  check(ctx) {
    const view = versionView(ctx.version);
    for (const node of ctx.model.named('proxy_pass')) {
      const target = passTarget(ctx, node);
      const upstream = target?.upstream;
      const keepalive = upstream ? ctx.model.directivesIn(upstream, 'keepalive')[0] : undefined;
      if (!upstream || !node.parent || (!keepalive && !view.keepaliveByDefault) || keepalive?.d.args[0]?.value === '0') continue;
      const { headers } = effectiveHeaders(ctx, node.parent);
      const conn = headers.get('connection');
      const value = conn?.d.args[1];
      if (conn && value && value.value.toLowerCase() === 'close') {
        ctx.report(conn, `"Connection: close" is sent to upstream "${target!.host}", which closes every kept-alive connection after one request`, {
          fixes: () => [{ title: 'Clear the Connection header', edits: [replaceText(conn.file.source, value.start, value.end, '""')], isPreferred: true }],
        });
        continue;
      }
      // A WebSocket location needs Connection "upgrade" on handshakes: websocket-missing-upgrade adds the map.
      if (conn || view.keepaliveByDefault || isWebSocketBlock(ctx, node.parent)) continue;
      ctx.report(node, `upstream "${target!.host}" keeps idle connections, but nginx sends "Connection: close" with every request here unless proxy_set_header Connection "" clears it${view.note}`, {
        fixes: () => {
          const block = fixBlock(node);
          const edit = block ? addListDirectives(ctx.model, block, ['proxy_set_header Connection "";']) : null;
          return edit ? [{ title: 'Add proxy_set_header Connection "" (inherited headers copied down)', edits: [edit], isPreferred: true }] : [];
        },
      });
    }
  },
};
