// Parameters of `server` in http and stream upstream blocks (ngx_http_upstream_server,
// ngx_stream_upstream_server). Which words exist in which version, and which only in NGINX Plus,
// comes from the catalog (e.g. resolve and service= are open source since 1.27.3, slow_start= is
// NGINX Plus only); the values are checked here. Without a known version every word is accepted.
import type { ConfigNode } from '../../../workspace/config-set';
import type { Catalog } from '../../../catalog/catalog';
import type { Version } from '../../../util/version';
import { ngxParseTime } from '../../../values/ngx-time';
import { ngxAtoi } from '../../../values/numbers';
import { catalogParam, paramSuggestion } from './catalog-params';
import { firstFinding, type Finding } from './types';

type ValueCheck = (v: string) => boolean;

const VALUES: Record<string, ValueCheck> = {
  'weight=': (v) => !!ngxAtoi(v),
  'max_conns=': (v) => ngxAtoi(v) !== null,
  'max_fails=': (v) => ngxAtoi(v) !== null,
  'fail_timeout=': (v) => ngxParseTime(v, true) !== null,
  'service=': (v) => v !== '',
  'slow_start=': (v) => ngxParseTime(v, true) !== null,
};

export function checkUpstreamServer(node: ConfigNode, version: Version | null, catalog: Catalog, module: string): Finding | null {
  return firstFinding(node.d.args, 1, (arg) => {
    const word = arg.value;
    const verdict = catalogParam(catalog, 'server', module, word, version);
    if (verdict.kind === 'unknown') return `invalid parameter "${word}"${paramSuggestion(catalog, 'server', module, word, version)}`;
    if (verdict.kind === 'version') return verdict.message;
    const check = Object.hasOwn(VALUES, verdict.name) ? VALUES[verdict.name] : undefined;
    if (!check || check(word.slice(verdict.name.length))) return null;
    return `invalid parameter "${word}"${word === 'weight=0' ? '; the weight must be 1 or more (use "down" to take a server out)' : ''}`;
  });
}
