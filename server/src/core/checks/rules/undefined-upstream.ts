// Rule: undefined-upstream. proxy_pass http://name (or fastcgi/uwsgi/scgi/grpc_pass) where name
// is no upstream block: nginx then resolves "name" as a host when it starts, and refuses to start
// with "host not found in upstream" unless DNS happens to know it. A near-miss of an upstream
// name is almost certainly a typo. fastcgi/uwsgi/scgi/grpc/memcached targets have no default
// port: such a name without a port (and no upstream of that name) is `no port in upstream`, an
// error nginx stops at whatever the name resolves to.
import type { Rule } from '../rule';
import { isIpLiteral, passTarget } from '../proxy';
import { closestMatch } from '../../util/strings';

const PASSES = ['proxy_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass'];
/** Passes whose URL has no default port (ngx_parse_url with no_port... and default_port 0). */
const NO_DEFAULT_PORT = new Set(['fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'grpc_pass', 'memcached_pass']);

export const rule: Rule = {
  id: 'undefined-upstream',
  severity: 'warning',
  severityNote: 'error for a near-miss of an upstream name',
  summary: 'a *_pass to a name that is not an upstream and looks like one',
  fix: 'all',
  check(ctx) {
    const names = [...ctx.model.upstreams.keys()];
    for (const node of PASSES.flatMap((p) => ctx.model.named(p))) {
      const t = passTarget(ctx, node);
      if (t && !t.hasVariables && !t.unix && !t.upstream && t.port === null && t.host !== '' && NO_DEFAULT_PORT.has(node.d.name)) {
        const arg = node.d.args[0]!;
        const near = closestMatch(t.host, names);
        const nearName = near ? ctx.model.upstreams.get(near)![0]!.d.args[0]!.value : undefined;
        const hint = nearName ? `; did you mean upstream "${nearName}"?` : `; add the port (e.g. "${t.host}:9000") or define upstream "${t.host}"`;
        const raw = node.file.source.text.slice(arg.start, arg.end);
        const at = arg.start + raw.toLowerCase().indexOf(t.host);
        ctx.report(node, `no port in upstream "${t.host}"${hint}`, {
          start: arg.start,
          end: arg.end,
          severity: 'error',
          ...(nearName ? { fixes: [{ title: `Use upstream "${nearName}"`, edits: [{ file: node.file.source.path, start: at, end: at + t.host.length, newText: nearName }], isPreferred: true }] } : {}),
        });
        continue;
      }
      if (!t || t.hasVariables || t.unix || t.upstream || t.port !== null || isIpLiteral(t.host) || t.host === 'localhost' || t.host === '') continue;
      const nearKey = closestMatch(t.host, names);
      const near = nearKey ? ctx.model.upstreams.get(nearKey)![0]!.d.args[0]!.value : undefined;
      if (!near && t.host.includes('.')) continue;
      const arg = node.d.args[0]!;
      const raw = node.file.source.text.slice(arg.start, arg.end);
      const at = arg.start + raw.toLowerCase().indexOf(t.host);
      ctx.report(node, near
        ? `no upstream "${t.host}" is defined; did you mean "${near}"? nginx will try to resolve "${t.host}" as a host name at start-up`
        : `no upstream "${t.host}" is defined. nginx resolves "${t.host}" as a host name at start-up and refuses to start if it cannot ("host not found in upstream")`, {
        start: arg.start,
        end: arg.end,
        ...(near ? { severity: 'error' as const, fixes: [{ title: `Use upstream "${near}"`, edits: [{ file: node.file.source.path, start: at, end: at + t.host.length, newText: near }], isPreferred: true }] } : {}),
      });
    }
  },
};
