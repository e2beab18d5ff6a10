// Rule: keepalive-connection-header. Before nginx 1.29.7 every proxied request carries
// "Connection: close" unless proxy_set_header Connection "" clears it, so upstream keepalive
// never takes effect; a hard-coded "close" defeats it on any version. A location that still speaks
// HTTP/1.0 is keepalive-without-http11's (one diagnostic for both lines).
import type { Rule } from '../rule';
import { effectiveHeaders, isWebSocketBlock, passTarget, versionView } from '../proxy';
import { addListLines, fixBlock, inheritedNote } from '../../fixes/headers';
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
        ctx.report(conn, `"Connection: close" is sent to keepalive upstream "${target!.host}": each connection closes after one request`, {
          fixes: () => [{ title: 'Clear the Connection header', edits: [replaceText(conn.file.source, value.start, value.end, '""')], isPreferred: true }],
        });
        continue;
      }
      // A WebSocket location needs Connection "upgrade" on handshakes: websocket-missing-upgrade adds the map.
      if (conn || view.keepaliveByDefault || isWebSocketBlock(ctx, node.parent)) continue;
      // still HTTP/1.0 here: keepalive-without-http11 reports both lines as one mistake
      if ((ctx.model.first(node.parent, 'proxy_http_version')?.d.args[0]?.value ?? '1.0') === '1.0') continue;
      ctx.report(node, `upstream "${target!.host}" has keepalive, but this location sends "Connection: close". Add proxy_set_header Connection "" to keep connections open${view.note}`, {
        fixes: () => {
          const block = fixBlock(node);
          const add = block ? addListLines(ctx.model, block, ['proxy_set_header Connection "";']) : null;
          return add ? [{ title: `Add proxy_set_header Connection ""${inheritedNote(add.copied)}`, edits: [add.edit], isPreferred: true }] : [];
        },
      });
    }
  },
};
