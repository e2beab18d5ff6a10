// Rule: websocket-missing-upgrade. A location evidently meant for WebSocket (it passes Upgrade
// $http_upgrade or a Connection that carries the upgrade, or its path or upstream is named like a
// WebSocket endpoint: ws, socket.io, websocket, cable, hub) that lacks one of the three pieces
// nginx needs to pass an upgrade on: proxy_http_version 1.1, "Upgrade $http_upgrade" and a
// Connection header that says "upgrade". The handshake fails (400, or a 502 from the backend).
import type { Rule } from '../rule';
import { effectiveHeaders, isUpgradeConnection, isWebSocketBlock, passTarget, versionView } from '../proxy';
import { fixBlock, inheritedNote, setDirectives, setHeaderLines } from '../../fixes/headers';
import { connectionUpgradeMap, MAP_VARIABLE } from '../../fixes/connection-map';
import type { TextEdit } from '../../diagnostic';

export const rule: Rule = {
  id: 'websocket-missing-upgrade',
  severity: 'warning',
  summary: 'a WebSocket location missing proxy_http_version 1.1, Upgrade or Connection',
  fix: 'all',
  versions: { note: 'proxy_http_version 1.1 only before 1.29.7' },
  check(ctx) {
    const view = versionView(ctx.version);
    for (const node of ctx.model.named('proxy_pass')) {
      const block = node.parent;
      if (!block) continue;
      const { headers } = effectiveHeaders(ctx, block);
      const upgrade = headers.get('upgrade');
      const conn = headers.get('connection');
      const version = ctx.model.first(block, 'proxy_http_version')?.d.args[0]?.value ?? (view.keepaliveByDefault ? '1.1' : '1.0');
      const hasUpgrade = !!upgrade?.d.args[1]?.value.includes('$http_upgrade');
      const hasConn = isUpgradeConnection(ctx, conn?.d.args[1]?.value);
      if (!hasUpgrade && !hasConn && !isWebSocketBlock(ctx, block, passTarget(ctx, node)?.host)) continue;
      const missing: string[] = [];
      const settings: [string, string][] = [];
      const headerSets: [string, string][] = [];
      if (version !== '1.1') {
        missing.push('proxy_http_version 1.1');
        settings.push(['proxy_http_version', '1.1']);
      }
      if (!hasUpgrade) {
        missing.push('Upgrade');
        headerSets.push(['Upgrade', '$http_upgrade']);
      }
      if (!hasConn) {
        missing.push('Connection');
        headerSets.push(['Connection', MAP_VARIABLE]);
      }
      if (missing.length === 0) continue;
      ctx.report(node, `WebSocket location lacks ${missing.join(', ')}: the upgrade is not passed on${version === '1.0' ? view.note : ''}`, {
        fixes: () => {
          const target = fixBlock(node);
          const headers = target ? setHeaderLines(ctx.model, target, headerSets) : { edits: [], copied: [] };
          const edits: TextEdit[] = target ? [...setDirectives(ctx.model, target, settings), ...headers.edits] : [];
          const map = !hasConn ? connectionUpgradeMap(ctx.set, ctx.model.definedVariables.has('connection_upgrade')) : null;
          if (map && map !== 'impossible') edits.push(map);
          const fixable = map !== 'impossible' && edits.length > 0;
          // the title names every line the fix writes: the map in http and inherited headers repeated too
          const what = [...settings.map(([n, v]) => `${n} ${v}`), ...headerSets.map(([h, v]) => `${h} ${v}`)];
          const title = `Add ${what.join(', ')} for WebSocket${inheritedNote(headers.copied, map && map !== 'impossible' ? [`add the ${MAP_VARIABLE} map to http`] : [])}`;
          return fixable ? [{ title, edits, isPreferred: true }] : [];
        },
      });
    }
  },
};
