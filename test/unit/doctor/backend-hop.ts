// Phase-3 facts for the backend-host checks' tests: a hop as visitBackendHosts builds it, from
// the backend script's sections (the real records format, read by readBackendHost).
import type { BackendHop } from '../../../server/src/doctor/backend-hosts';
import type { BackendMapping } from '../../../server/src/doctor/backend-map';
import { readBackendHost } from '../../../server/src/doctor/backend-script';
import { parseSections } from '../../../server/src/remote/records';

/** `ss -ltn` as printed on this project's Debian machine (listeners on 127.0.0.1, 0.0.0.0, dual-stack [::] and [::1]). */
export const SS_LTN = `State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
LISTEN 0      32         127.0.0.1:25353      0.0.0.0:*          
LISTEN 0      511        127.0.0.1:41003      0.0.0.0:*          
LISTEN 0      128          0.0.0.0:2024       0.0.0.0:*          
LISTEN 0      511                *:41004            *:*          
LISTEN 0      511                *:41002            *:*          
LISTEN 0      511            [::1]:41001         [::]:*          
`;

export interface HopInput {
  mapping: Partial<BackendMapping> & { key: string; unit: string };
  label?: string;
  sameHost?: boolean;
  /** "yes yes yes": systemctl installed, systemd running, journalctl installed. */
  systemd?: string;
  sections?: Record<string, { text: string; rc?: number }>;
  failure?: { message: string; fix?: string };
}

export function hop(i: HopInput): BackendHop {
  const mapping: BackendMapping = { host: 'deploy@app1', sudo: false, ...i.mapping };
  const base = { mapping, hostLabel: i.label ?? mapping.host ?? 'this machine', sameHost: i.sameHost ?? !mapping.host };
  if (i.failure) return { ...base, result: { ok: false, failure: i.failure } };
  const n = 'ab'.repeat(16);
  let text = `\n${n} HELLO 1\n\n${n} SYSTEMD ${i.systemd ?? 'yes yes yes'}\n`;
  const sections: Record<string, { text: string; rc?: number }> = { hostname: { text: 'app1' }, ss: { text: SS_LTN }, ...i.sections };
  for (const [name, s] of Object.entries(sections)) text += `\n${n} BEGIN ${name}\n${s.text}\n${n} END ${name} ${s.rc ?? 0}\n`;
  return { ...base, result: { ok: true, facts: readBackendHost(parseSections(`${text}\n${n} BYE\n`, n), [mapping.unit]) } };
}
