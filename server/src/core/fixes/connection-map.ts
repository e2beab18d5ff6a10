// The "$connection_upgrade" map that WebSocket proxying needs: "upgrade" when the client asks
// for an upgrade, otherwise an empty Connection header (which also keeps upstream keepalive).
import type { TextEdit } from '../diagnostic';
import type { ConfigSet } from '../workspace/config-set';
import { insertAtFileTop, insertIntoBlock } from './builders';

export const MAP_VARIABLE = '$connection_upgrade';
const MAP_LINES = ['map $http_upgrade $connection_upgrade {', '    default upgrade;', "    ''      \"\";", '}'];

/** An edit adding the map in http (or at the top of an http-level snippet); null if it exists. */
export function connectionUpgradeMap(set: ConfigSet, defined: boolean): TextEdit | null | 'impossible' {
  if (defined) return null;
  const http = set.all.find((n) => n.body === 'http');
  if (http) return insertIntoBlock(http, MAP_LINES, 'start') ?? 'impossible';
  if (set.startContext === 'http') {
    const root = set.files.get(set.rootPath);
    return root ? insertAtFileTop(root.source, MAP_LINES) : 'impossible';
  }
  return 'impossible';
}
