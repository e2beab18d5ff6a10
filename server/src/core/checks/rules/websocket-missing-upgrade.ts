// Rule: websocket-missing-upgrade. A location meant for WebSocket (it sets part of the upgrade
// handshake, or its path is a well-known WebSocket endpoint) that lacks one of the three pieces
// nginx needs to pass an upgrade on: proxy_http_version 1.1, "Upgrade $http_upgrade" and a
// Connection header that says "upgrade". The handshake fails (400, or a 502 from the backend).
import type { Rule } from '../rule';
import { effectiveHeaders, isWebSocketBlock, versionView } from '../proxy';
import { addDirectives, addListDirectives } from '../../fixes/headers';
import { connectionUpgradeMap, MAP_VARIABLE } from '../../fixes/connection-map';
import type { TextEdit } from '../../diagnostic';

export const rule: Rule = {
  id: 'websocket-missing-upgrade',
  severity: 'warning',
  summary: 'a WebSocket location missing proxy_http_version 1.1, Upgrade or Connection',
  check(ctx) {
    const view = versionView(ctx.version);
    for (const node of ctx.model.named('proxy_pass')) {
      const block = node.parent;
      if (!block) continue;
      const { headers } = effectiveHeaders(ctx, block);
      const upgrade = headers.get('upgrade');
      const conn = headers.get('connection');
      const version = ctx.model.effective(block, 'proxy_http_version').nodes[0]?.d.args[0]?.value ?? (view.keepaliveByDefault ? '1.1' : '1.0');
      const hasUpgrade = !!upgrade?.d.args[1]?.value.includes('$http_upgrade');
      const hasConn = !!conn && /upgrade|\$/i.test(conn.d.args[1]?.value ?? '');
      if (!hasUpgrade && !hasConn && !isWebSocketBlock(ctx, block)) continue;
      const missing: string[] = [];
      const lines: string[] = [];
      const headerLines: string[] = [];
      if (version !== '1.1') {
        missing.push('proxy_http_version 1.1');
        lines.push('proxy_http_version 1.1;');
      }
      if (!hasUpgrade) {
        missing.push('Upgrade');
        headerLines.push('proxy_set_header Upgrade $http_upgrade;');
      }
      if (!hasConn) {
        missing.push('Connection');
        headerLines.push(`proxy_set_header Connection ${MAP_VARIABLE};`);
      }
      if (missing.length === 0) continue;
      const edits: TextEdit[] = [];
      const main = addDirectives(ctx.model, block, lines);
      if (lines.length && main) edits.push(main);
      const hdr = headerLines.length ? addListDirectives(ctx.model, block, headerLines) : null;
      if (hdr) edits.push(hdr);
      const map = headerLines.some((l) => l.includes(MAP_VARIABLE)) ? connectionUpgradeMap(ctx.set, ctx.model.definedVariables.has('connection_upgrade')) : null;
      if (map && map !== 'impossible') edits.push(map);
      const fixable = map !== 'impossible' && edits.length > 0 && edits.length >= (lines.length ? 1 : 0) + (headerLines.length ? 1 : 0);
      ctx.report(node, `this location looks like a WebSocket endpoint but lacks ${missing.join(', ')}, so nginx does not pass the upgrade on${version === '1.0' ? view.note : ''}`, {
        ...(fixable ? { fixes: [{ title: `Add ${missing.join(', ')} for WebSocket`, edits, isPreferred: true }] } : {}),
      });
    }
  },
};
