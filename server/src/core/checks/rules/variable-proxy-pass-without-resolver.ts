// Rule: variable-proxy-pass-without-resolver. With a variable in its host part, proxy_pass is
// resolved per request, which needs a resolver: without one every request that does not name an
// upstream block ends in 502 with "no resolver defined to resolve ...".
import type { Rule, RuleContext } from '../rule';
import { addResolver, RESOLVER_LINE } from '../../fixes/resolver';

const PASSES = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass'];
const URI_VARIABLES = /\$(request_uri|uri|document_uri|is_args|args|query_string)\b.*$/;

/** The host of a *_pass URL without its port; URI variables glued to it are not part of it. */
function hostPart(url: string): string {
  const rest = url.replace(/^[a-z]+:\/\//i, '').replace(URI_VARIABLES, '');
  if (rest.startsWith('unix:')) return 'unix:';
  const hostPort = rest.split('/')[0]!;
  return hostPort.startsWith('[') ? hostPort : hostPort.replace(/:[^:]*$/, '');
}

/** Values a variable can take when set/map/geo/split_clients define it (null: unknown). */
function staticValues(ctx: RuleContext, name: string): string[] | null {
  const defs = ctx.model.definedVariables.get(name);
  if (!defs?.length) return null;
  const out: string[] = [];
  for (const d of defs) {
    if (d.d.name === 'set') out.push(d.d.args[1]?.value ?? '');
    else if (d.d.name === 'map' || d.d.name === 'geo' || d.d.name === 'split_clients') {
      for (const entry of d.children) if (entry.d.name !== 'hostnames' && entry.d.name !== 'volatile' && entry.d.name !== 'include') out.push(entry.d.args[entry.d.args.length - 1]?.value ?? entry.d.name);
    } else return null;
  }
  return out;
}

/** An IP address or the name of an upstream block: found without DNS at request time. */
function isStaticHost(ctx: RuleContext, h: string): boolean {
  return /^[\d.:[\]]+$/.test(h) || ctx.model.upstreams.has(h);
}

/** True when every variable in the host only ever holds IP addresses, unix: paths or upstream names. */
function variablesResolveStatically(ctx: RuleContext, host: string): boolean {
  const names = [...host.matchAll(/\$\{?([A-Za-z0-9_]+)\}?/g)].map((m) => m[1]!);
  return names.every((n) => {
    const values = staticValues(ctx, n);
    return values !== null && values.every((v) => {
      return v === '' || v.startsWith('unix:') || isStaticHost(ctx, hostPart(v));
    });
  });
}

export const rule: Rule = {
  id: 'variable-proxy-pass-without-resolver',
  severity: 'warning',
  summary: 'a variable host in *_pass with no resolver in scope',
  fix: 'all',
  check(ctx) {
    for (const node of PASSES.flatMap((p) => ctx.model.named(p))) {
      const url = node.d.args[0]?.value ?? '';
      if (!url.includes('$') || !node.parent) continue;
      const host = hostPart(url);
      if (host.startsWith('unix:') || (host.includes('$') ? variablesResolveStatically(ctx, host) : isStaticHost(ctx, host))) continue;
      if (ctx.model.effectiveNodes(node.parent, 'resolver').length) continue;
      const add = addResolver(ctx.model, node);
      const where = add?.block.body === 'if_location' ? 'location' : add?.block.body;
      ctx.report(node, `"${url}" is resolved per request, but no resolver is set. Requests whose host is no upstream block get 502 ("no resolver defined to resolve")`, {
        ...(add ? { fixes: [{ title: `Add "${RESOLVER_LINE.split(';')[0]};" to the ${where} (put your DNS server there)`, edits: [add.edit], isPreferred: true }] } : {}),
      });
    }
  },
};
