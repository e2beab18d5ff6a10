// Rule: connection-upgrade-hardcoded. proxy_set_header Connection "upgrade" is sent with every
// request, not just WebSocket handshakes: ordinary requests then ask the backend to switch
// protocols, and kept-alive upstream connections are abandoned. A map on $http_upgrade sends
// "upgrade" only when the client asked for it.
import type { Rule } from '../rule';
import { connectionUpgradeMap, MAP_VARIABLE } from '../../fixes/connection-map';
import type { TextEdit } from '../../diagnostic';

export const rule: Rule = {
  id: 'connection-upgrade-hardcoded',
  severity: 'warning',
  summary: 'proxy_set_header Connection "upgrade" sent on every request',
  fix: 'all',
  check(ctx) {
    for (const node of ctx.model.named('proxy_set_header')) {
      const args = node.d.args;
      if (args.length < 2) continue;
      const name = args[0]!;
      const value = args[1]!;
      // length first: most headers are not "Connection", and lowercasing each costs a string
      if (name.value.length !== 10 || value.value.length !== 7 || name.value.toLowerCase() !== 'connection' || value.value.toLowerCase() !== 'upgrade') continue;
      const edits: TextEdit[] = [{ file: node.file.source.path, start: value.start, end: value.end, newText: MAP_VARIABLE }];
      const map = connectionUpgradeMap(ctx.set, ctx.model.definedVariables.has('connection_upgrade'));
      if (map && map !== 'impossible') edits.push(map);
      ctx.report(node, 'Connection "upgrade" is sent with every request here, not only with WebSocket handshakes; use a map on $http_upgrade', {
        start: value.start,
        end: value.end,
        ...(map !== 'impossible' ? { fixes: [{ title: `Use ${MAP_VARIABLE}${map ? ' (and add its map to http)' : ''}`, edits, isPreferred: true }] } : {}),
      });
    }
  },
};
