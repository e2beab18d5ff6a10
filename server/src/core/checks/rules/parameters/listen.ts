// Parameters after the address of `listen` in http, stream and mail servers, as
// ngx_http_core_listen, ngx_stream_core_listen and ngx_mail_core_listen accept them, by version.
import type { Arg } from '../../../syntax/ast';
import type { ConfigNode } from '../../../workspace/config-set';
import { familyOf } from '../../../catalog/catalog';
import { inRange, type Version } from '../../../util/version';
import { parseSize } from '../../../values/units';
import { ngxParseTime } from '../../../values/ngx-time';
import { ngxAtoi } from '../../../values/numbers';
import { closestMatch } from '../../../util/strings';
import { firstFinding, type Finding } from './types';

interface ListenParam {
  /** The word, or its prefix up to and including "=". */
  name: string;
  since?: string;
  until?: string;
  /** Checks the text after "=" and returns nginx's complaint. */
  value?: (v: string, whole: string) => string | null;
}

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

const COMMON: ListenParam[] = [
  { name: 'bind' },
  { name: 'ssl' },
  { name: 'proxy_protocol' },
  { name: 'backlog=', value: backlog },
  { name: 'rcvbuf=', value: size('rcvbuf') },
  { name: 'sndbuf=', value: size('sndbuf') },
  { name: 'ipv6only=', value: ipv6only },
  { name: 'so_keepalive=', value: soKeepalive },
  { name: 'multipath', since: '1.29.7' },
];

const PARAMS: Record<string, ListenParam[]> = {
  http: [
    ...COMMON,
    { name: 'default_server' },
    { name: 'default' },
    { name: 'reuseport' },
    { name: 'http2' },
    { name: 'quic', since: '1.25.0' },
    { name: 'spdy', until: '1.19.6' },
    { name: 'deferred' },
    { name: 'accept_filter=' },
    { name: 'setfib=' },
    { name: 'fastopen=', value: fastopen },
  ],
  stream: [
    ...COMMON,
    { name: 'reuseport' },
    { name: 'udp' },
    { name: 'fastopen=', since: '1.21.0', value: fastopen },
    { name: 'default_server', since: '1.25.5' },
    { name: 'deferred', since: '1.25.5' },
    { name: 'accept_filter=', since: '1.25.5' },
    { name: 'setfib=', since: '1.25.5' },
  ],
  mail: COMMON.map((p) => (p.name === 'proxy_protocol' ? { ...p, since: '1.19.8' } : p)),
};

function matches(p: ListenParam, word: string): boolean {
  return p.name.endsWith('=') ? word.startsWith(p.name) : word === p.name;
}

function describe(p: ListenParam): string {
  if (p.since) return `nginx ${p.since} and later`;
  return p.until ? `nginx up to ${p.until}` : 'other nginx versions';
}

function suggestion(word: string, params: ListenParam[], version: Version | null): string {
  const names = params.filter((p) => !version || inRange(version, p.since, p.until)).map((p) => p.name.replace(/=$/, ''));
  const best = closestMatch(word.replace(/=.*$/, ''), names);
  return best ? `; did you mean "${best}"?` : '';
}

export function checkListen(node: ConfigNode, version: Version | null): Finding | null {
  const params = PARAMS[familyOf(node.ctx)];
  if (!params) return null;
  return firstFinding(node.d.args, 1, (arg: Arg) => {
    const word = arg.value;
    const known = params.filter((p) => matches(p, word));
    if (known.length === 0) return `invalid parameter "${word}"${suggestion(word, params, version)}`;
    const here = known.find((p) => !version || inRange(version, p.since, p.until));
    if (!here) return `invalid parameter "${word}"; it exists in ${describe(known[0]!)}`;
    return here.value ? here.value(word.slice(here.name.length), word) : null;
  });
}
