// Rule: static-hostname-upstream. A *_pass target or upstream `server` given as a host name is
// resolved once, when nginx starts. When the name moves (a compose service's container is
// recreated, a cloud load balancer rotates its addresses) nginx keeps connecting to the old address
// and every request is a 502 until someone reloads it. Warning where the name evidently moves,
// information otherwise, silent for the names listed as stable. The fix (fixes/re-resolve.ts)
// depends on the version: nginx >= 1.27.3 re-resolves `server NAME resolve;` in an upstream with a
// zone; before, a variable in *_pass (resolved per request) with the URI mapping kept.
import type { Fix } from '../../diagnostic';
import type { Rule, RuleContext } from '../rule';
import { compareVersions, formatVersion, parseVersion } from '../../util/version';
import { cloudDomain, moveEvidence, resolverFor, matchesName, staticNames, usesDockerDns, DOCKER_DNS, type MoveEvidence, type StaticName } from '../../upstream/host-names';
import { upstreamForm, variableForm } from '../../fixes/re-resolve';

const RESOLVE_IN_UPSTREAM = parseVersion('1.27.3')!;
const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

function parentDir(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** A compose file beside the root config or up to two directories above it. */
function composeFileNear(ctx: RuleContext): boolean {
  let dir = parentDir(ctx.set.rootPath);
  for (let i = 0; i < 3; i++) {
    const names = ctx.host.listDir(dir);
    if (names?.some((n) => COMPOSE_FILES.includes(n))) return true;
    const up = parentDir(dir);
    if (up === dir) break;
    dir = up;
  }
  return false;
}

function because(e: MoveEvidence, host: string): string {
  switch (e) {
    case 'compose-service': return 'A single-label name like a compose service\'s: its address changes when the container is recreated';
    case 'kubernetes-service': return 'A Kubernetes service name: its address changes when the service is recreated';
    case 'cloud-load-balancer': return `A cloud load balancer's name (*.${cloudDomain(host)}): its addresses rotate`;
    case 'docker-dns': return `The config is for a Docker network (${DOCKER_DNS} or a compose file): addresses change when containers are recreated`;
  }
}

export const rule: Rule = {
  id: 'static-hostname-upstream',
  severity: 'warning',
  severityNote: 'information when nothing says the name moves',
  summary: 'a *_pass or upstream server host name that nginx resolves only at start-up',
  fix: 'all',
  versions: { note: 'the fix: from 1.27.3 an upstream with zone and server ... resolve; before, a variable with a resolver' },
  check(ctx) {
    const names = staticNames(ctx.model);
    if (!names.length) return;
    const stable = ctx.options.stableHostnames ?? [];
    const dockerDns = usesDockerDns(ctx.model);
    let compose: boolean | null = null;
    for (const s of names) {
      if (matchesName(s.host, stable)) continue;
      compose ??= composeFileNear(ctx);
      const evidence = moveEvidence(s.host, dockerDns, compose);
      const head = `"${s.host}" is resolved only when nginx starts`;
      const tail = evidence
        ? `${because(evidence, s.host)}, and nginx keeps connecting to the old address (502) until it is reloaded`
        : 'If its address changes, nginx keeps the old one (502) until it is reloaded. List it in nginxDoctor.stableHostnames if it never moves';
      const built = buildFixes(ctx, s, dockerDns || compose);
      const why = typeof built === 'string' ? `. No quick fix: ${built}` : '';
      ctx.report(s.node, `${head}. ${tail}${why}`, {
        ...(evidence ? {} : { severity: 'info' as const }),
        ...(typeof built === 'string' ? {} : { fixes: built }),
      });
    }
  },
};

/** The fixes for the configured version (unknown: the variable form, which every version runs), or why there is none. */
function buildFixes(ctx: RuleContext, s: StaticName, composeEvident: boolean): Fix[] | string {
  const resolver = resolverFor(s.host, composeEvident);
  const modern = ctx.version !== null && compareVersions(ctx.version, RESOLVE_IN_UPSTREAM) >= 0;
  if (modern) {
    const f = upstreamForm(ctx.model, s, resolver);
    if (typeof f !== 'string') {
      const alt = s.upstream ? null : variableForm(ctx.model, s, resolver);
      return [{ ...f, isPreferred: true }, ...(alt && typeof alt !== 'string' ? [alt] : [])];
    }
    if (s.upstream) return f;
    const v = variableForm(ctx.model, s, resolver);
    return typeof v === 'string' ? v : [{ ...v, isPreferred: true }];
  }
  if (s.upstream) {
    return ctx.version
      ? `nginx ${formatVersion(ctx.version)} cannot re-resolve an upstream server (server ... resolve needs 1.27.3); reload nginx after the name moves, or upgrade`
      : 'an upstream server is re-resolved only from nginx 1.27.3 on (server ... resolve with a zone): set nginxDoctor.nginxVersion to get that fix';
  }
  const v = variableForm(ctx.model, s, resolver);
  return typeof v === 'string' ? v : [{ ...v, isPreferred: true }];
}
