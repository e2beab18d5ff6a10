// upstream-stale-address: the address nginx connected to (the peer of the line's upstream field)
// is not what the config's host name resolves to now. nginx resolved the name when it started;
// the name has moved since (a recreated container, a rotated load balancer) and nginx keeps the
// old address until it is reloaded. Pure: the caller resolves the names where nginx runs (getent
// hosts in a trusted workspace, the doctor on the host) and passes the answers in.
import type { Explanation } from './explain';
import type { Model } from '../model/model';
import type { ConfigNode } from '../workspace/config-set';
import { causeById } from './causes';
import { parseUpstream } from './fit';
import { passNodesIn } from '../upstream/pass-target';
import { staticNames, type StaticName } from '../upstream/host-names';

/** A name's addresses now (IPs as getent prints them), or null when it could not be resolved or was not asked. */
export type Resolve = (name: string) => readonly string[] | null;

export interface StaleAddress {
  /** The config's host name. */
  name: string;
  port: number;
  /** The address nginx used ("172.19.0.4"). */
  used: string;
  /** What the name resolves to now. */
  now: readonly string[];
  /** The *_pass or upstream server line that names it. */
  node: ConfigNode;
}

/** "172.19.0.4:5001" / "[fd00::4]:5001" -> address and port; null for sockets and group names. */
export function peerAddress(upstream: string | null): { addr: string; port: number } | null {
  if (!upstream) return null;
  const peer = parseUpstream(upstream).peer;
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d+)$/.exec(peer) ?? /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(peer);
  return m ? { addr: m[1]!.toLowerCase(), port: Number(m[2]) } : null;
}

/**
 * The host names a line's attempt may have used: the static names of the *_pass targets at its
 * location (and the servers of the upstream group a target names) whose port is the peer's. When
 * the line links to no location, every static name of the config with that port.
 */
export function candidateNames(x: Explanation, model: Model): StaticName[] {
  const peer = peerAddress(x.upstream);
  if (!peer) return [];
  const all = staticNames(model).filter((s) => s.port === peer.port);
  if (!x.location) return all;
  const passes = passNodesIn(x.location.node);
  const groups = new Set<ConfigNode>();
  for (const p of passes) {
    if (p.target.hasVariables || p.target.unixPath !== null) continue;
    for (const u of model.upstreams.get(p.target.host.toLowerCase()) ?? []) if (u.body === 'upstream') groups.add(u);
  }
  const at = (n: ConfigNode): string => `${n.file.source.path}:${n.d.start}`;
  const groupAt = new Set([...groups].map(at));
  const passAt = new Set(passes.map((p) => at(p.node)));
  return all.filter((s) => (s.upstream ? groupAt.has(at(s.upstream)) : passAt.has(at(s.node))));
}

/** Names whose answer would decide `stale` for these explanations (for a caller that resolves lazily). */
export function namesToResolve(xs: readonly Explanation[], model: Model): string[] {
  const out = new Set<string>();
  for (const x of xs) for (const s of candidateNames(x, model)) out.add(s.host);
  return [...out];
}

/**
 * The stale address of a line: its peer is not among the current addresses of any name it may
 * have used, and at least one of those names resolved. Null when the peer fits a name, or nothing
 * could be compared (no peer, no host-name target, no answer).
 */
export function staleAddress(x: Explanation, model: Model, resolve: Resolve): StaleAddress | null {
  const peer = peerAddress(x.upstream);
  if (!peer) return null;
  let first: StaleAddress | null = null;
  for (const s of candidateNames(x, model)) {
    const now = resolve(s.host);
    if (!now?.length) continue;
    if (now.some((a) => a.toLowerCase() === peer.addr)) return null;
    first ??= { name: s.host, port: peer.port, used: peer.addr, now, node: s.node };
  }
  // an IP address written in the same group or location is what nginx used
  if (first && x.location) {
    for (const p of passNodesIn(x.location.node)) {
      for (const u of model.upstreams.get(p.target.host.toLowerCase()) ?? []) {
        const written = [`${peer.addr}:${peer.port}`, `[${peer.addr}]:${peer.port}`];
        if (u.children.some((c) => c.d.name === 'server' && written.includes(c.d.args[0]?.value.toLowerCase() ?? ''))) return null;
      }
    }
  }
  return first;
}

/** The sentence explain, tail and the doctor show for a stale address. */
export function staleSentence(s: StaleAddress): string {
  return `nginx still uses ${s.used} for ${s.name}, which now resolves to ${s.now.join(', ')}: reload nginx (\`nginx -s reload\`), and see static-hostname-upstream to stop it happening again`;
}

/** Turns an explanation into upstream-stale-address: the cause, the summary, the first advice. */
export function markStale(x: Explanation, s: StaleAddress): Explanation {
  if (x.cause.id === 'upstream-stale-address') return x;
  const was = x.cause;
  x.cause = causeById('upstream-stale-address');
  x.reasons = [...x.reasons, `nginx logged "${was.title}" for ${s.used}:${s.port}; ${s.name} resolves to ${s.now.join(', ')} now`];
  x.summary = `${x.status === null ? '' : `${x.status}: `}${staleSentence(s)}`;
  x.fixes = [staleSentence(s), ...x.cause.checks, ...x.fixes.filter((f) => !was.checks.includes(f))];
  return x;
}
