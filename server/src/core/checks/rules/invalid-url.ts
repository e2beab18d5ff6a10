// Rule: invalid-url. The address of proxy_pass, fastcgi_pass, uwsgi_pass, scgi_pass, grpc_pass,
// memcached_pass and stream proxy_pass as their handlers read it: http proxy_pass needs
// "http://" or "https://" ("invalid URL prefix"); the others take host:port or unix:path, with
// only their own schemes (grpc://, uwsgi://), so "http://..." there is an "invalid host".
// Addresses built from variables are resolved at run time and are not checked.
import type { Rule } from '../rule';
import { classify, isTemplatePlaceholder } from '../structure';
import { upstreamAddressError } from '../../values/upstream-url';

interface Spec {
  module: string;
  /** Accepted schemes (lower case, with "://"); required when `schemeRequired`. */
  schemes: string[];
  schemeRequired: boolean;
  /** A URI part after the address is allowed (proxy_pass). */
  uri: boolean;
}

const SPECS: Record<string, Spec[]> = {
  proxy_pass: [
    { module: 'ngx_http_proxy_module', schemes: ['http://', 'https://'], schemeRequired: true, uri: true },
    { module: 'ngx_stream_proxy_module', schemes: [], schemeRequired: false, uri: false },
  ],
  fastcgi_pass: [{ module: 'ngx_http_fastcgi_module', schemes: [], schemeRequired: false, uri: false }],
  scgi_pass: [{ module: 'ngx_http_scgi_module', schemes: [], schemeRequired: false, uri: false }],
  memcached_pass: [{ module: 'ngx_http_memcached_module', schemes: [], schemeRequired: false, uri: false }],
  uwsgi_pass: [{ module: 'ngx_http_uwsgi_module', schemes: ['uwsgi://', 'suwsgi://'], schemeRequired: false, uri: false }],
  grpc_pass: [{ module: 'ngx_http_grpc_module', schemes: ['grpc://', 'grpcs://'], schemeRequired: false, uri: false }],
};

function hint(name: string, spec: Spec): string {
  if (spec.schemeRequired) return `"${name}" needs a URL starting with ${spec.schemes.map((s) => `"${s}"`).join(' or ')}`;
  const schemes = spec.schemes.length ? ` (optionally after ${spec.schemes.map((s) => `"${s}"`).join(' or ')})` : ' without a scheme';
  return `"${name}" takes host:port, an upstream name or unix:/path${schemes}`;
}

export const rule: Rule = {
  id: 'invalid-url',
  severity: 'error',
  summary: 'a proxy_pass-style address with a scheme, host or port that nginx refuses',
  fix: 'none',
  check(ctx) {
    for (const node of Object.keys(SPECS).flatMap((name) => ctx.model.named(name))) {
      const v = classify(node, ctx.catalog, ctx.version);
      if (v.kind !== 'ok' || v.records.length !== 1) continue;
      const spec = SPECS[node.d.name]!.find((s) => s.module === v.records[0]!.module);
      const arg = node.d.args[0];
      if (!spec || !arg || arg.value.includes('$') || isTemplatePlaceholder(arg.value)) continue;
      const url = arg.value;
      const scheme = spec.schemes.find((s) => url.toLowerCase().startsWith(s));
      const at = { start: arg.start, end: arg.end };
      if (!scheme && spec.schemeRequired) {
        ctx.report(node, `invalid URL prefix in "${url}"; ${hint(node.d.name, spec)}`, at);
        continue;
      }
      const address = url.slice(scheme?.length ?? 0);
      const error = upstreamAddressError(address, spec.uri);
      if (!error) continue;
      const withScheme = error === 'invalid host' && /^[a-z][a-z0-9+.-]*:\/\//i.test(address);
      ctx.report(node, `${error} in upstream "${address}"${withScheme ? `; ${hint(node.d.name, spec)}` : ''}`, at);
    }
  },
};
