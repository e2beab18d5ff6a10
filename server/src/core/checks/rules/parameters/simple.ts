// Small fixed vocabularies: the "always" flag of add_header/add_trailer
// (ngx_http_headers_add), error_log levels (ngx_log_set_levels), the mail `protocol`
// (ngx_mail_core_protocol), numbers with bounds (ngx_conf_check_num_bounds) and the "$name" that
// set, map, geo and split_clients define.
import type { ConfigNode } from '../../../workspace/config-set';
import { ngxAtoi } from '../../../values/numbers';
import { familyOf, type Catalog } from '../../../catalog/catalog';
import type { Version } from '../../../util/version';
import { firstFinding, type Finding } from './types';

export function checkAlways(node: ConfigNode): Finding | null {
  const flag = node.d.args[2];
  if (!flag || flag.value === 'always') return null;
  return { arg: flag, message: `invalid parameter "${flag.value}"; the only word allowed after the value is "always"` };
}

const LEVELS = ['emerg', 'alert', 'crit', 'error', 'warn', 'notice', 'info', 'debug'];
const DEBUG_LEVELS = ['debug_core', 'debug_alloc', 'debug_mutex', 'debug_event', 'debug_http', 'debug_mail', 'debug_stream'];

export function checkErrorLog(node: ConfigNode): Finding | null {
  let level = false;
  let debug = false;
  return firstFinding(node.d.args, 1, (arg) => {
    const v = arg.value;
    if (LEVELS.includes(v)) {
      if (level || debug) return `duplicate log level "${v}"`;
      level = true;
      return null;
    }
    if (DEBUG_LEVELS.includes(v)) {
      if (level) return `invalid log level "${v}"`;
      debug = true;
      return null;
    }
    return `invalid log level "${v}"; expected one of: ${LEVELS.join(', ')}`;
  });
}

const MAIL_PROTOCOLS = ['smtp', 'pop3', 'imap'];

export function checkMailProtocol(node: ConfigNode): Finding | null {
  const arg = node.d.args[0]!;
  return MAIL_PROTOCOLS.includes(arg.value) ? null : { arg, message: `unknown protocol "${arg.value}"; expected one of: ${MAIL_PROTOCOLS.join(', ')}` };
}

/** Directives whose number has bounds, from the ngx_conf_num_bounds_t posts in nginx's sources. */
const BOUNDS: Record<string, [number, number]> = {
  gzip_comp_level: [1, 9],
  limit_conn_status: [400, 599],
  limit_req_status: [400, 599],
  uwsgi_modifier1: [0, 255],
  uwsgi_modifier2: [0, 255],
};

export function hasBounds(name: string): boolean {
  return Object.hasOwn(BOUNDS, name);
}

export function checkBounds(node: ConfigNode): Finding | null {
  const [low, high] = BOUNDS[node.d.name]!;
  const arg = node.d.args[0]!;
  const n = ngxAtoi(arg.value);
  // a value that is not a number at all is invalid-value's finding
  if (n === null || (n >= low && n <= high)) return null;
  return { arg, message: `value "${arg.value}" must be between ${low} and ${high}` };
}

/** Index of the argument that names the new variable(s), per directive. */
const VARIABLE_ARGS: Record<string, (argc: number) => number[]> = {
  set: () => [0],
  map: () => [1],
  split_clients: () => [1],
  geo: (argc) => (argc === 2 ? [0, 1] : [0]),
};

export function definesVariable(name: string): boolean {
  return Object.hasOwn(VARIABLE_ARGS, name);
}

/** Modules a build often lacks: a name of theirs may be free in the build at hand. */
const OPTIONAL_MODULES = /geoip|perl|xslt|image_filter|upstream_hc|mp4|slice/;

export function checkVariableName(node: ConfigNode, version: Version | null, catalog: Catalog): Finding | null {
  const indexes = VARIABLE_ARGS[node.d.name]!(node.d.args.length);
  for (const i of indexes) {
    const arg = node.d.args[i];
    if (!arg) continue;
    if (!arg.value.startsWith('$')) return { arg, message: `invalid variable name "${arg.value}"; variable names start with "$"` };
    if (arg.value === '$') return { arg, message: 'invalid variable name "$"' };
    // set/map/geo/split_clients add a changeable variable (the last of these arguments; geo's first of
    // two is its source): a built-in one that is not changeable is refused
    if (i !== indexes[indexes.length - 1]) continue;
    const name = arg.value.slice(1).replace(/^\{(.*)\}$/, '$1');
    const family = familyOf(node.ctx) === 'stream' ? 'stream' : 'http';
    const builtin = catalog.builtinVariable(name, family, version).filter((v) => !OPTIONAL_MODULES.test(v.module ?? ''));
    if (builtin.length && !builtin.some((v) => v.changeable)) return { arg, message: `the duplicate "${name}" variable; "$${name}" is built in, choose another name` };
  }
  return null;
}
