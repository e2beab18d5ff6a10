// Parameters of `server` in http and stream upstream blocks (ngx_http_upstream_server,
// ngx_stream_upstream_server). resolve, service=, route=, drain and slow_start= are accepted in
// every version: NGINX Plus had them long before open source nginx did.
import type { ConfigNode } from '../../../workspace/config-set';
import { ngxParseTime } from '../../../values/ngx-time';
import { ngxAtoi } from '../../../values/numbers';
import { closestMatch } from '../../../util/strings';
import { firstFinding, type Finding } from './types';

type ValueCheck = (v: string) => boolean;

const VALUED: Record<string, ValueCheck> = {
  'weight=': (v) => !!ngxAtoi(v),
  'max_conns=': (v) => ngxAtoi(v) !== null,
  'max_fails=': (v) => ngxAtoi(v) !== null,
  'fail_timeout=': (v) => ngxParseTime(v, true) !== null,
  'service=': (v) => v !== '',
  'slow_start=': (v) => ngxParseTime(v, true) !== null,
  'route=': () => true,
};

const WORDS = new Set(['backup', 'down', 'resolve', 'drain']);

export function checkUpstreamServer(node: ConfigNode): Finding | null {
  return firstFinding(node.d.args, 1, (arg) => {
    const word = arg.value;
    if (WORDS.has(word)) return null;
    const eq = word.indexOf('=');
    const key = word.slice(0, eq + 1);
    const check = eq > 0 && Object.hasOwn(VALUED, key) ? VALUED[key] : undefined;
    if (check) {
      if (check(word.slice(eq + 1))) return null;
      return `invalid parameter "${word}"${word === 'weight=0' ? '; the weight must be 1 or more (use "down" to take a server out)' : ''}`;
    }
    const best = closestMatch(eq > 0 ? word.slice(0, eq) : word, [...WORDS, ...Object.keys(VALUED).map((k) => k.slice(0, -1))]);
    return `invalid parameter "${word}"${best ? `; did you mean "${best}"?` : ''}`;
  });
}
