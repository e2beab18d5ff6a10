// Directives that create shared memory zones and cache paths: ssl_session_cache
// (ngx_http_ssl_session_cache and its stream/mail twins), limit_req_zone and limit_conn_zone, and
// the *_cache_path family (ngx_http_file_cache_set_slot). A zone is "name:size"; sizes below
// 8 pages (4k pages: 32k; keys zones 2 pages) are refused, so anything under that is too small on
// every platform.
import type { Arg } from '../../../syntax/ast';
import type { ConfigNode } from '../../../workspace/config-set';
import { inRange, type Version } from '../../../util/version';
import { parseOffset, parseSize } from '../../../values/units';
import { ngxParseTime } from '../../../values/ngx-time';
import { ngxAtoi } from '../../../values/numbers';
import { firstFinding, type Finding } from './types';

const PAGE = 4096;

/** Size of "name:size" after the prefix, 'invalid' when there is no ":" or the size is bad. */
function zoneSize(spec: string): number | 'invalid' {
  const colon = spec.indexOf(':');
  if (colon < 0) return 'invalid';
  return parseSize(spec.slice(colon + 1)) ?? 'invalid';
}

export function checkSessionCache(node: ConfigNode): Finding | null {
  return firstFinding(node.d.args, 0, (arg) => {
    const v = arg.value;
    if (v === 'off' || v === 'none' || v === 'builtin') return null;
    if (v.startsWith('builtin:') && v.length > 8) return ngxAtoi(v.slice(8)) !== null ? null : `invalid session cache "${v}"`;
    if (v.startsWith('shared:') && v.length > 7) {
      const rest = v.slice(7);
      if (rest.startsWith(':')) return `invalid session cache "${v}"`;
      const size = zoneSize(rest);
      if (size === 'invalid') return `invalid session cache "${v}"; write "shared:NAME:SIZE", e.g. "shared:SSL:10m"`;
      return size < 8 * PAGE ? `session cache "${v}" is too small` : null;
    }
    return `invalid session cache "${v}"`;
  });
}

/** limit_req_zone and limit_conn_zone: the key, then zone=name:size (and rate= for limit_req). */
export function checkLimitZone(node: ConfigNode): Finding | null {
  const withRate = node.d.name === 'limit_req_zone';
  const found = firstFinding(node.d.args, 1, (arg) => {
    const v = arg.value;
    if (v.startsWith('zone=')) {
      const size = zoneSize(v.slice(5));
      if (size === 'invalid') return `invalid zone size "${v}"; write "zone=NAME:SIZE", e.g. "zone=${v.slice(5) || 'one'}:10m"`;
      return size < 8 * PAGE ? `zone "${v}" is too small` : null;
    }
    if (withRate && v.startsWith('rate=')) {
      const n = ngxAtoi(v.slice(5).replace(/r\/[sm]$/, ''));
      return n !== null && n > 0 ? null : `invalid rate "${v}"`;
    }
    if (v === 'sync') return null; // NGINX Plus
    return `invalid parameter "${v}"`;
  });
  if (found) return found;
  if (node.d.args.some((a, i) => i > 0 && a.value.startsWith('zone='))) return null;
  const last = node.d.args[node.d.args.length - 1]!;
  return { arg: last, message: `"${node.d.name}" must have "zone" parameter` };
}

type CacheParamCheck = (v: string, whole: string) => string | null;

const msTime = (v: string): boolean => ngxParseTime(v, false) !== null;

const CACHE_PARAMS: Record<string, CacheParamCheck> = {
  'levels=': (v, w) => (/^([12](:[12]){0,2})?$/.test(v) ? null : `invalid "levels" "${w}"; use one to three levels of 1 or 2, e.g. "levels=1:2"`),
  'use_temp_path=': (v, w) => (v === 'on' || v === 'off' ? null : `invalid use_temp_path value "${w}", it must be "on" or "off"`),
  'keys_zone=': (v, w) => {
    const size = zoneSize(v);
    if (size === 'invalid') return `invalid keys zone size "${w}"`;
    return size < 2 * PAGE ? `keys zone "${w}" is too small` : null;
  },
  'inactive=': (v, w) => (ngxParseTime(v, true) !== null ? null : `invalid inactive value "${w}"`),
  'max_size=': (v, w) => (parseOffset(v) !== null ? null : `invalid max_size value "${w}"`),
  'min_free=': (v, w) => (parseOffset(v) !== null ? null : `invalid min_free value "${w}"`),
  'loader_files=': (v, w) => (ngxAtoi(v) !== null ? null : `invalid loader_files value "${w}"`),
  'manager_files=': (v, w) => (ngxAtoi(v) !== null ? null : `invalid manager_files value "${w}"`),
  'loader_sleep=': (v, w) => (msTime(v) ? null : `invalid loader_sleep value "${w}"`),
  'loader_threshold=': (v, w) => (msTime(v) ? null : `invalid loader_threshold value "${w}"`),
  'manager_sleep=': (v, w) => (msTime(v) ? null : `invalid manager_sleep value "${w}"`),
  'manager_threshold=': (v, w) => (msTime(v) ? null : `invalid manager_threshold value "${w}"`),
};

/** NGINX Plus parameters, accepted without checking. */
const PLUS_CACHE_PARAMS = ['purger=', 'purger_files=', 'purger_sleep=', 'purger_threshold='];

function cacheParam(arg: Arg, version: Version | null): string | null {
  const v = arg.value;
  const eq = v.indexOf('=');
  const key = eq > 0 ? v.slice(0, eq + 1) : v;
  if (PLUS_CACHE_PARAMS.includes(key)) return null;
  const check = Object.hasOwn(CACHE_PARAMS, key) ? CACHE_PARAMS[key] : undefined;
  if (!check || (key === 'min_free=' && version && !inRange(version, '1.19.1'))) return `invalid parameter "${v}"`;
  return check(v.slice(eq + 1), v);
}

export function checkCachePath(node: ConfigNode, version: Version | null): Finding | null {
  const found = firstFinding(node.d.args, 1, (arg) => cacheParam(arg, version));
  if (found) return found;
  if (node.d.args.some((a, i) => i > 0 && a.value.startsWith('keys_zone='))) return null;
  return { arg: node.d.args[0]!, message: `"${node.d.name}" must have "keys_zone" parameter` };
}
