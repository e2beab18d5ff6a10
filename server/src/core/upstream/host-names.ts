// Host names that nginx resolves once, at start-up: which *_pass targets and upstream `server`
// lines name one, and what says that the name's address moves (a compose service, a Kubernetes
// service, a cloud load balancer, Docker's DNS in the config). Read by the rule
// static-hostname-upstream, its fix (fixes/re-resolve.ts), explain's stale-address check
// (logs/stale.ts) and the doctor.
import type { ConfigNode } from '../workspace/config-set';
import type { Model } from '../model/model';
import { PASS_MODULES, parsePassTarget, type PassTarget } from './pass-target';

/** Docker's embedded DNS server, inside every container on a user-defined (compose) network. */
export const DOCKER_DNS = '127.0.0.11';
/** Kubernetes' cluster DNS service, by the name every cluster gives it. */
export const CLUSTER_DNS = 'kube-dns.kube-system.svc.cluster.local';

export type MoveEvidence = 'compose-service' | 'kubernetes-service' | 'cloud-load-balancer' | 'docker-dns';

/** Load-balancer and platform domains whose addresses rotate. */
const CLOUD_DOMAINS = [
  'elb.amazonaws.com', 'elb.amazonaws.com.cn', 'cloudfront.net', 'cloudapp.azure.com', 'cloudapp.net', 'trafficmanager.net',
  'azurefd.net', 'azurewebsites.net', 'run.app', 'appspot.com', 'herokuapp.com', 'fly.dev', 'onrender.com',
];

/** A host name (not an IP address, not localhost, not a unix socket, no variables). */
export function isHostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h || h.includes('$') || h.startsWith('[') || h.startsWith('unix:')) return false;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(h) || /^\d+$/.test(h)) return false;
  if (h === 'localhost' || h.endsWith('.localhost')) return false;
  return /^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/.test(h);
}

export function isKubernetesService(host: string): boolean {
  return /\.svc(\.cluster\.local)?\.?$/i.test(host);
}

export function cloudDomain(host: string): string | null {
  const h = host.toLowerCase().replace(/\.$/, '');
  return CLOUD_DOMAINS.find((d) => h.endsWith(`.${d}`)) ?? null;
}

/** True when `host` matches one of the patterns: a name, or "*.example.com" for every name under it. */
export function matchesName(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((raw) => {
    const p = raw.trim().toLowerCase().replace(/\.$/, '');
    if (!p) return false;
    return p.startsWith('*.') ? h.endsWith(p.slice(1)) : h === p;
  });
}

/** True when a `resolver` anywhere in the config names Docker's DNS. */
export function usesDockerDns(model: Model): boolean {
  return model.named('resolver').some((n) => n.d.args.some((a) => a.value === DOCKER_DNS || a.value.startsWith(`${DOCKER_DNS}:`)));
}

/** What says this name moves, strongest first; null when nothing does. */
export function moveEvidence(host: string, dockerDns: boolean, composeFile: boolean): MoveEvidence | null {
  if (isKubernetesService(host)) return 'kubernetes-service';
  if (cloudDomain(host)) return 'cloud-load-balancer';
  if (!host.includes('.')) return 'compose-service';
  if (dockerDns || composeFile) return 'docker-dns';
  return null;
}

/** The resolver address a fix writes: Docker's DNS, the cluster DNS, or null (a placeholder to complete). */
export function resolverFor(host: string, composeEvident: boolean): string | null {
  if (isKubernetesService(host)) return CLUSTER_DNS;
  return composeEvident ? DOCKER_DNS : null;
}

/** A place where the config names a backend by a host name resolved only at start-up. */
export interface StaticName {
  node: ConfigNode;
  /** The host, lowercased. */
  host: string;
  /** The port written, or the default the module uses; null when it has none. */
  port: number | null;
  /** The *_pass target, or null for an upstream `server` line. */
  pass: PassTarget | null;
  /** The upstream block of a `server` line. */
  upstream: ConfigNode | null;
}

/** True when an upstream of the same family has this name: nginx uses the group, no DNS. */
function isUpstreamName(model: Model, host: string, family: string): boolean {
  return (model.upstreams.get(host) ?? []).some((u) => u.body === family);
}

/**
 * Every *_pass target and upstream `server` that names a host resolved once at start-up: no
 * variables, not an IP address, localhost or socket, not an upstream group, not `resolve`d.
 */
export function staticNames(model: Model): StaticName[] {
  const memo = model.memo<string, StaticName[]>('staticNames');
  const hit = memo.get('all');
  if (hit) return hit;
  const out: StaticName[] = [];
  for (const name of Object.keys(PASS_MODULES)) {
    for (const node of model.named(name)) {
      const arg = node.d.args[0]?.value;
      if (!arg || !node.parent) continue;
      const stream = node.ctx.startsWith('stream');
      const t = parsePassTarget(name, arg, stream);
      if (t.hasVariables || t.unixPath !== null || !isHostName(t.host)) continue;
      const host = t.host.toLowerCase();
      if (isUpstreamName(model, host, stream ? 'stream_upstream' : 'upstream')) continue;
      out.push({ node, host, port: t.port ?? t.defaultPort, pass: t, upstream: null });
    }
  }
  for (const [, blocks] of model.upstreams) {
    for (const block of blocks) {
      for (const s of block.children) {
        const a = s.d.args[0]?.value;
        if (s.d.name !== 'server' || !a || s.d.args.slice(1).some((x) => x.value === 'resolve')) continue;
        const m = /^([^:[\]]+)(?::(\d+))?$/.exec(a);
        if (!m || !isHostName(m[1]!)) continue;
        out.push({ node: s, host: m[1]!.toLowerCase(), port: m[2] ? Number(m[2]) : block.body === 'upstream' ? 80 : null, pass: null, upstream: block });
      }
    }
  }
  memo.set('all', out);
  return out;
}
