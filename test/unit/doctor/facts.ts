// Facts for the doctor checks' unit tests, as run.ts gathers them on a host: host facts with
// defaults (overridden per test), a config from text, its backends, probe results and error logs.
import { Model, buildConfigSet, defaultCatalog } from '../../../server/src/core/index';
import type { Check, Fact, FactsOf } from '../../../server/src/doctor/check';
import { runChecks } from '../../../server/src/doctor/run';
import type { DoctorCheck } from '../../../server/src/protocol/protocol';
import type { LogRead, ProbeResults } from '../../../server/src/doctor/context';
import { readFacts, type HostFacts } from '../../../server/src/doctor/facts';
import { parseSections } from '../../../server/src/remote/records';
import { summariseLogs } from '../../../server/src/doctor/logs';
import { backendsOf } from '../../../server/src/doctor/targets';
import type { BackendHop } from '../../../server/src/doctor/backend-hosts';
import { memoryHost } from '../../helpers/memory-host';

export const ROOT = '/etc/nginx/nginx.conf';

export function hostFacts(over: Partial<HostFacts> = {}): HostFacts {
  return {
    uid: 1000, date: '2026/11/22 10:00:00', hostname: 'web1', nginxPath: '/usr/sbin/nginx', nginxExists: true,
    nginxV: 'nginx version: nginx/1.24.0\nconfigure arguments: --prefix=/usr/share/nginx --conf-path=/etc/nginx/nginx.conf',
    version: '1.24.0', configure: new Map([['prefix', '/usr/share/nginx'], ['conf-path', ROOT]]),
    test: { text: `nginx: the configuration file ${ROOT} syntax is ok\nnginx: configuration file ${ROOT} test is successful\n`, rc: 0 },
    dump: null, processes: [], systemd: null, systemdStatus: null, listeners: [], unixListening: new Set(),
    addresses: new Set(['127.0.0.1', '::1', '0.0.0.0', '::', '10.0.0.2']), selinux: null, selinuxBool: null, apparmor: null,
    ...over,
  };
}

/** Host facts read from the gather script's sections, as phase 1 reads them. */
export function hostFromSections(sections: Record<string, string>): HostFacts {
  const n = 'cd'.repeat(16);
  let text = `\n${n} HELLO 1\n`;
  for (const [name, body] of Object.entries(sections)) text += `\n${n} BEGIN ${name}\n${body}\n${n} END ${name} 0\n`;
  return readFacts(parseSections(`${text}\n${n} BYE\n`, n));
}

/** nginx master 100 and one worker under it. */
export function nginxProcesses(label = 'unconfined'): HostFacts['processes'] {
  return [
    { pid: 100, ppid: 1, uid: 0, label, exe: '/usr/sbin/nginx', cmdline: 'nginx: master process /usr/sbin/nginx -g daemon off;', role: 'master' },
    { pid: 101, ppid: 100, uid: 33, label, exe: '/usr/sbin/nginx', cmdline: 'nginx: worker process', role: 'worker' },
  ];
}

export interface FactsInput {
  host?: Partial<HostFacts>;
  /** The root config's text (at /etc/nginx/nginx.conf, the workspace config); none: no config. */
  config?: string;
  probes?: Partial<ProbeResults>;
  /** Error logs as read in phase 2. */
  logs?: LogRead[];
  ssh?: string;
  /** Phase 3: the machines of mapped failed backends, by backend address. */
  hops?: Map<string, BackendHop>;
}

export function factsFor(i: FactsInput = {}): FactsOf<Exclude<Fact, 'backend'>> {
  const facts = hostFacts(i.host);
  const config = i.config === undefined ? null : buildConfigSet(ROOT, { host: memoryHost({ [ROOT]: i.config }), catalog: defaultCatalog() });
  const model = config ? new Model(config) : null;
  const probes: ProbeResults = { tcp: new Map(), bytes: new Map(), stat: new Map(), logs: i.logs ?? [], worker: null, workers: new Map(), ...i.probes };
  return {
    ssh: i.ssh ?? null, hostLabel: i.ssh ?? 'this machine', failures: [], remote: !!i.ssh, facts,
    config, model, configOrigin: config ? 'workspace' : null, serverRoot: ROOT, localRoot: config ? ROOT : null, savedCopies: new Map(),
    dump: null, nginxConf: null, instance: null, instances: [],
    backends: config ? backendsOf(config, model!) : [], probes,
    logs: summariseLogs(config, facts.date, facts.hostname, probes.logs), logLines: 1000, requests: [],
    hops: i.hops ?? new Map(),
  };
}

const ALL: ReadonlySet<Fact> = new Set<Fact>(['session', 'host', 'config', 'deployed', 'backends', 'backend', 'probes', 'logs', 'requests', 'backendHosts']);

/** The rows of one check over facts, run as run.ts runs the list (per backend when it needs one). */
export function rowsOf(check: Check, f: Partial<FactsOf<Fact>>): DoctorCheck[] {
  return runChecks(f, ALL, [check]);
}

/** The one row of a check that gives one row. */
export function rowOf(check: Check, f: Partial<FactsOf<Fact>>): DoctorCheck {
  const rows = rowsOf(check, f);
  if (rows.length !== 1) throw new Error(`${check.id}: ${rows.length} rows, expected one`);
  return rows[0]!;
}
