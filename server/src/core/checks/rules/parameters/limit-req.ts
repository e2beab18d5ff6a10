// limit_req zone=NAME [burst=N] [nodelay | delay=N] (ngx_http_limit_req): burst and delay must be
// positive numbers ("burst=0" is refused: leave burst out for no queue), the words come from the
// catalog, and "zone=" is required.
import type { ConfigNode } from '../../../workspace/config-set';
import type { Catalog } from '../../../catalog/catalog';
import type { Version } from '../../../util/version';
import { ngxAtoi } from '../../../values/numbers';
import { catalogParam, paramSuggestion } from './catalog-params';
import { firstFinding, type Finding } from './types';

export function checkLimitReq(node: ConfigNode, version: Version | null, catalog: Catalog, module: string): Finding | null {
  const found = firstFinding(node.d.args, 0, (arg) => {
    const word = arg.value;
    const verdict = catalogParam(catalog, 'limit_req', module, word, version);
    if (verdict.kind === 'unknown') return `invalid parameter "${word}"${paramSuggestion(catalog, 'limit_req', module, word, version)}`;
    if (verdict.kind === 'version') return verdict.message;
    if (verdict.name === 'burst=' || verdict.name === 'delay=') {
      const n = ngxAtoi(word.slice(6));
      if (n === null || n <= 0) return `invalid ${verdict.name.slice(0, -1)} value "${word}"${word === 'burst=0' ? '; leave "burst" out for no queue' : ''}`;
    }
    return null;
  });
  if (found) return found;
  if (node.d.args.some((a) => a.value.startsWith('zone='))) return null;
  return { arg: node.d.args[0]!, message: `"limit_req" must have "zone" parameter` };
}
