// Rule: invalid-parameter. Arguments that a directive's own handler parses while nginx reads the
// config and refuses, so `nginx -t` fails: listen and upstream server parameters, the "always"
// of add_header, shared memory zones and cache levels, error_log levels, status codes of return
// and error_page, expires/keepalive_timeout/*_cache_valid times, bounded numbers such as
// gzip_comp_level, limit_req's burst and delay, headers-more options, the mail protocol and the "$name" of set/map/geo/split_clients.
import type { ConfigNode } from '../../workspace/config-set';
import type { Rule } from '../rule';
import { isTemplatePlaceholder, structureIndex } from '../structure';
import type { ParameterCheck } from './parameters/types';
import { checkListen } from './parameters/listen';
import { checkLimitReq } from './parameters/limit-req';
import { checkMoreHeaders } from './parameters/more-headers';
import { checkUpstreamServer } from './parameters/upstream-server';
import { checkCachePath, checkLimitZone, checkSessionCache } from './parameters/shared-memory';
import { checkErrorPage, checkReturn } from './parameters/status-codes';
import { checkCacheValid, checkExpires, checkKeepaliveTimeout } from './parameters/times';
import { checkAlways, checkBounds, checkErrorLog, checkMailProtocol, checkVariableName, definesVariable, hasBounds } from './parameters/simple';

interface Entry {
  /** The module whose handler is checked (a directive name can belong to several). */
  modules: string[];
  check: ParameterCheck;
}

const MORE = 'ngx_http_headers_more_filter_module';
const CACHE_MODULES = ['ngx_http_proxy_module', 'ngx_http_fastcgi_module', 'ngx_http_uwsgi_module', 'ngx_http_scgi_module'];

const CHECKS: Record<string, Entry> = {
  listen: { modules: ['ngx_http_core_module', 'ngx_stream_core_module', 'ngx_mail_core_module'], check: checkListen },
  server: { modules: ['ngx_http_upstream_module', 'ngx_stream_upstream_module'], check: checkUpstreamServer },
  add_header: { modules: ['ngx_http_headers_filter_module'], check: checkAlways },
  add_trailer: { modules: ['ngx_http_headers_filter_module'], check: checkAlways },
  ssl_session_cache: { modules: ['ngx_http_ssl_module', 'ngx_stream_ssl_module', 'ngx_mail_ssl_module'], check: checkSessionCache },
  limit_req: { modules: ['ngx_http_limit_req_module'], check: checkLimitReq },
  limit_req_zone: { modules: ['ngx_http_limit_req_module'], check: checkLimitZone },
  limit_conn_zone: { modules: ['ngx_http_limit_conn_module', 'ngx_stream_limit_conn_module'], check: checkLimitZone },
  proxy_cache_path: { modules: CACHE_MODULES, check: checkCachePath },
  fastcgi_cache_path: { modules: CACHE_MODULES, check: checkCachePath },
  uwsgi_cache_path: { modules: CACHE_MODULES, check: checkCachePath },
  scgi_cache_path: { modules: CACHE_MODULES, check: checkCachePath },
  error_log: { modules: ['ngx_errlog_module', 'ngx_http_core_module', 'ngx_stream_core_module', 'ngx_mail_core_module'], check: checkErrorLog },
  return: { modules: ['ngx_http_rewrite_module'], check: checkReturn },
  error_page: { modules: ['ngx_http_core_module'], check: checkErrorPage },
  expires: { modules: ['ngx_http_headers_filter_module'], check: checkExpires },
  keepalive_timeout: { modules: ['ngx_http_core_module'], check: checkKeepaliveTimeout },
  proxy_cache_valid: { modules: CACHE_MODULES, check: checkCacheValid },
  fastcgi_cache_valid: { modules: CACHE_MODULES, check: checkCacheValid },
  uwsgi_cache_valid: { modules: CACHE_MODULES, check: checkCacheValid },
  scgi_cache_valid: { modules: CACHE_MODULES, check: checkCacheValid },
  protocol: { modules: ['ngx_mail_core_module'], check: checkMailProtocol },
  more_set_headers: { modules: [MORE], check: checkMoreHeaders },
  more_clear_headers: { modules: [MORE], check: checkMoreHeaders },
  more_set_input_headers: { modules: [MORE], check: checkMoreHeaders },
  more_clear_input_headers: { modules: [MORE], check: checkMoreHeaders },
};

const VARIABLE_MODULES = [
  'ngx_http_rewrite_module', 'ngx_stream_set_module', 'ngx_http_map_module', 'ngx_stream_map_module',
  'ngx_http_geo_module', 'ngx_stream_geo_module', 'ngx_http_split_clients_module', 'ngx_stream_split_clients_module',
];

function entryFor(name: string): Entry | undefined {
  if (Object.hasOwn(CHECKS, name)) return CHECKS[name];
  if (definesVariable(name)) return { modules: VARIABLE_MODULES, check: checkVariableName };
  if (hasBounds(name)) return { modules: ['ngx_http_gzip_filter_module', 'ngx_http_limit_conn_module', 'ngx_http_limit_req_module', 'ngx_http_uwsgi_module'], check: checkBounds };
  return undefined;
}

/** Placeholders of templating tools are not nginx's to judge (unsubstituted-placeholder is). */
function templated(node: ConfigNode): boolean {
  return node.d.args.some((a) => isTemplatePlaceholder(a.value));
}

export const rule: Rule = {
  id: 'invalid-parameter',
  severity: 'error',
  summary: 'a parameter, level, code, zone or time that the directive\'s handler refuses',
  fix: 'none',
  versions: { note: 'listen and cache parameters of the configured version' },
  check(ctx) {
    // one verdict per group, and every directive of a group has the same name
    for (const [v, nodes] of structureIndex(ctx).ok) {
      const entry = entryFor(nodes[0]!.d.name);
      if (!entry || !v.records.every((r) => entry.modules.includes(r.module))) continue;
      for (const node of nodes) {
        if (templated(node)) continue;
        const found = entry.check(node, ctx.version, ctx.catalog, v.records[0]!.module);
        if (found) ctx.report(node, found.message, { start: found.arg.start, end: found.arg.end });
      }
    }
  },
};
