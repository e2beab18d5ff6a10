// Parameters after the address of `listen` in http, stream and mail servers, as
// ngx_http_core_listen, ngx_stream_core_listen and ngx_mail_core_listen accept them: the words and
// their versions from the catalog (parameters.json), the values checked here.
import type { Arg } from '../../../syntax/ast';
import type { ConfigNode } from '../../../workspace/config-set';
import type { Catalog } from '../../../catalog/catalog';
import type { Version } from '../../../util/version';
import { parseSize } from '../../../values/units';
import { ngxParseTime } from '../../../values/ngx-time';
import { ngxAtoi } from '../../../values/numbers';
import { catalogParam, paramSuggestion } from './catalog-params';
import { firstFinding, type Finding } from './types';

const backlog = (v: string, whole: string): string | null => (ngxAtoi(v) ? null : `invalid backlog "${whole}"`);
const size = (what: string) => (v: string, whole: string): string | null => (parseSize(v) !== null ? null : `invalid ${what} "${whole}"`);
const fastopen = (v: string, whole: string): string | null => (ngxAtoi(v) !== null ? null : `invalid fastopen "${whole}"`);
const ipv6only = (v: string, whole: string): string | null => (v === 'on' || v === 'off' ? null : `invalid ipv6only flags "${whole.slice(9)}"`);

/** on, off, or keepidle:keepintvl:keepcnt (each optional, not all zero). */
const soKeepalive = (v: string): string | null => {
  if (v === 'on' || v === 'off') return null;
  const [idle = '', intvl = '', ...rest] = v.split(':');
  const cnt = rest.join(':');
  const times = [idle, intvl].map((t) => (t === '' ? 0 : ngxParseTime(t, true)));
  const count = cnt === '' ? 0 : ngxAtoi(cnt);
  if (times.includes(null) || count === null || (times.every((t) => t === 0) && count === 0)) return `invalid so_keepalive value: "${v}"`;
  return null;
};

/** Checks of the text after "=", by parameter; which words exist per version comes from the catalog. */
const VALUES: Record<string, (v: string, whole: string) => string | null> = {
  'backlog=': backlog,
  'rcvbuf=': size('rcvbuf'),
  'sndbuf=': size('sndbuf'),
  'ipv6only=': ipv6only,
  'so_keepalive=': (v) => soKeepalive(v),
  'fastopen=': fastopen,
};

export function checkListen(node: ConfigNode, version: Version | null, catalog: Catalog, module: string): Finding | null {
  return firstFinding(node.d.args, 1, (arg: Arg) => {
    const word = arg.value;
    const verdict = catalogParam(catalog, 'listen', module, word, version);
    if (verdict.kind === 'unknown') return `invalid parameter "${word}"${paramSuggestion(catalog, 'listen', module, word, version)}`;
    if (verdict.kind === 'version') return verdict.message;
    const check = Object.hasOwn(VALUES, verdict.name) ? VALUES[verdict.name] : undefined;
    return check ? check(word.slice(verdict.name.length), word) : null;
  });
}
