// The doctor's third hop (the troubleshooting guide's step 2): for each backend that failed from
// the nginx host and that the user mapped to a machine and a systemd unit (backend-map.ts), one
// run of backend-script.ts on that machine: the same transport (runScript: `sh -s` here or over
// the system ssh), the same ssh options and trust rules as the nginx host; one run per machine
// whatever the number of units. Nothing is changed there.
import { runScript, type RunFailure, type Target } from '../remote/run-script';
import { newNonce } from '../remote/records';
import { addrText, tcpKey } from './checks/backend-reachable';
import { mappingOf, type BackendMapping } from './backend-map';
import { backendHostInput, readBackendHost, type BackendHostFacts } from './backend-script';
import type { ProbeResults } from './context';
import type { HostFacts } from './facts';
import type { Backend } from './targets';

export interface BackendHop {
  mapping: BackendMapping;
  /** The machine as the report names it: the SSH destination, or the nginx host's label. */
  hostLabel: string;
  /** The backend runs on the nginx host itself (no "host" in its mapping). */
  sameHost: boolean;
  result: { ok: true; facts: BackendHostFacts } | { ok: false; failure: RunFailure };
}

/** The key checks look a backend's hop up by. */
export const hopKey = (b: Backend): string => addrText(b);

/** Whether phase 2 saw this backend fail from the nginx host. */
export function backendFailed(b: Backend, probes: ProbeResults, facts: HostFacts): boolean {
  if (b.flags.includes('down')) return false;
  if (b.kind === 'tcp') {
    const r = probes.tcp.get(tcpKey(b));
    return !!r && r.rc !== 0 && r.rc !== 127;
  }
  const st = probes.stat.get(b.host);
  return !!st && (st.rc !== 0 || !facts.unixListening.has(b.host));
}

export interface HopOptions {
  /** How the doctor reaches the nginx host (for backends on the same machine). */
  nginxTarget: Target;
  nginxLabel: string;
  sshConfig?: string;
  timeoutMs: number;
}

export async function visitBackendHosts(backends: readonly Backend[], maps: readonly BackendMapping[], probes: ProbeResults, facts: HostFacts, o: HopOptions): Promise<Map<string, BackendHop>> {
  const wanted = new Map<string, BackendMapping>();
  for (const b of backends) {
    const m = mappingOf(b, maps);
    if (m && !wanted.has(hopKey(b)) && backendFailed(b, probes, facts)) wanted.set(hopKey(b), m);
  }
  // one run per machine (destination and sudo), with every unit asked about there
  const runs = new Map<string, { target: Target; label: string; sameHost: boolean; units: string[] }>();
  for (const m of wanted.values()) {
    const target: Target = m.host ? { ssh: m.host, sudo: m.sudo, ...(o.sshConfig ? { sshConfig: o.sshConfig } : {}) } : { ...o.nginxTarget, sudo: o.nginxTarget.sudo || m.sudo };
    const id = `${target.ssh ?? ''}|${target.sudo}`;
    const run = runs.get(id) ?? { target, label: m.host ?? o.nginxLabel, sameHost: !m.host, units: [] };
    if (!run.units.includes(m.unit)) run.units.push(m.unit);
    runs.set(id, run);
  }
  const results = new Map<string, BackendHop['result']>();
  await Promise.all([...runs].map(async ([id, r]) => {
    const nonce = newNonce();
    const res = await runScript(r.target, backendHostInput(nonce, r.units), nonce, o.timeoutMs);
    results.set(id, res.ok ? { ok: true, facts: readBackendHost(res.out, r.units) } : { ok: false, failure: res.failure });
  }));
  const out = new Map<string, BackendHop>();
  for (const [key, m] of wanted) {
    const id = m.host ? `${m.host}|${m.sudo}` : `${o.nginxTarget.ssh ?? ''}|${o.nginxTarget.sudo || m.sudo}`;
    const r = runs.get(id)!;
    out.set(key, { mapping: m, hostLabel: r.label, sameHost: r.sameHost, result: results.get(id)! });
  }
  return out;
}
