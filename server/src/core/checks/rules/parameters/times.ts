// Time values read by custom handlers: expires (ngx_http_headers_expires), keepalive_timeout
// (ngx_http_core_keepalive) and the *_cache_valid family (ngx_http_file_cache_valid_set_slot).
// Second-based times refuse "ms"; millisecond-based ones refuse "y" and "M" (ngx_parse_time, ported
// exactly in values/ngx-time.ts).
import type { ConfigNode } from '../../../workspace/config-set';
import { ngxParseTime } from '../../../values/ngx-time';
import { ngxAtoi } from '../../../values/numbers';
import type { Finding } from './types';

const seconds = (v: string): number | null => ngxParseTime(v, true);
const milliseconds = (v: string): number | null => ngxParseTime(v, false);

function invalidValue(node: ConfigNode, i: number, hint = ''): Finding {
  const arg = node.d.args[i]!;
  return { arg, message: `"${node.d.name}" directive invalid value "${arg.value}"${hint}` };
}

/** expires [modified] time|epoch|max|off, where time may be @daily, +time or -time. */
export function checkExpires(node: ConfigNode): Finding | null {
  const args = node.d.args;
  const modified = args.length === 2;
  if (modified && args[0]!.value !== 'modified') return invalidValue(node, 0, '; the first of two values must be "modified"');
  const i = args.length - 1;
  let v = args[i]!.value;
  if (v.includes('$')) return null;
  if (!modified && (v === 'epoch' || v === 'max' || v === 'off')) return null;
  const daily = v.startsWith('@');
  if (daily && modified) return { arg: args[i]!, message: 'daily time cannot be used with "modified" parameter' };
  if (daily || v.startsWith('+') || v.startsWith('-')) v = v.slice(1);
  const time = seconds(v);
  if (time === null) return invalidValue(node, i, '; expected a time such as "30d" or "12h", "@15h30m", "epoch", "max" or "off"');
  if (daily && time > 24 * 3600) return { arg: args[i]!, message: 'daily time value must be less than 24 hours' };
  return null;
}

/** keepalive_timeout timeout [header_timeout] */
export function checkKeepaliveTimeout(node: ConfigNode): Finding | null {
  if (milliseconds(node.d.args[0]!.value) === null) return invalidValue(node, 0);
  const header = node.d.args[1];
  return header && seconds(header.value) === null ? invalidValue(node, 1) : null;
}

/** proxy_cache_valid [code ...|any] time */
export function checkCacheValid(node: ConfigNode): Finding | null {
  const args = node.d.args;
  const time = args[args.length - 1]!;
  if (seconds(time.value) === null) {
    const hint = /^\d+ms$/.test(time.value) ? '; cache validity is counted in seconds, "ms" is not accepted' : '';
    return { arg: time, message: `invalid time value "${time.value}"${hint}` };
  }
  for (const arg of args.slice(0, -1)) {
    if (arg.value === 'any') continue;
    const status = ngxAtoi(arg.value);
    if (status === null || status < 100 || status > 599) {
      const hint = !/^\d+$/.test(arg.value) && seconds(arg.value) !== null ? '; a time with spaces must be quoted, e.g. "1h 30m"' : '';
      return { arg, message: `invalid status "${arg.value}"${hint}` };
    }
  }
  return null;
}
