// The shape of every doctor check: { id, title, needs, run(facts) -> rows }. checks/index.ts
// lists them in report order; run.ts gathers the facts and runs the list, each check only when
// every fact it needs was gathered. A check can read only the facts it names: run()'s parameter
// has just those fields, so reading another does not compile.
import type { ConfigSet, DumpedConfig, Model } from '../core/index';
import type { DoctorCheck } from '../protocol/protocol';
import type { ProbeResults } from './context';
import type { HostFacts } from './facts';
import type { Instance } from './instances';
import type { RequestResult, RequestTarget } from './requests';
import type { LogSummary } from './logs';
import type { Backend } from './targets';
import type { BackendHop } from './backend-hosts';

/** The facts a check may need, by name. */
export interface FactGroups {
  /** Whether the two sessions on the host ran: a failure is a "connection" row. */
  session: { ssh: string | null; hostLabel: string; failures: SessionFailure[] };
  /** Phase 1 on the host: processes, nginx -V/-t/-T, listeners, MAC; what the report calls the host. */
  host: { hostLabel: string; remote: boolean; facts: HostFacts };
  /** The config the checks read (the workspace's, or the deployed one), and how to link its lines. */
  config: {
    config: ConfigSet | null;
    model: Model | null;
    configOrigin: 'workspace' | 'deployed' | null;
    /** The main config path on the host (nginx -T's first file or --nginx-conf or the compiled default). */
    serverRoot: string | null;
    /** The workspace's root config (--config), if given. */
    localRoot: string | null;
    /** Server path -> local read-only copy (--save-config). */
    savedCopies: Map<string, string>;
  };
  /** What nginx -T printed, and the main config given with --nginx-conf. */
  deployed: {
    dump: DumpedConfig | null;
    nginxConf: string | null;
    /** The running instance these rows are about (null in unit tests that do not say). */
    instance: Instance | null;
    /** Every instance checked on the host. */
    instances: readonly Instance[];
  };
  /** Every backend the config names (upstream servers, *_pass targets), in the config's order. */
  backends: { backends: Backend[] };
  /** The one backend a per-backend check looks at; null once when the config names none. */
  backend: { backend: Backend | null };
  /** Phase 2: TCP connects, stat of sockets and their directories, the worker user. */
  probes: { probes: ProbeResults };
  /** The error logs read in phase 2, parsed and linked to the config like `explain`. */
  logs: { logs: LogSummary[]; logLines: number };
  /** Phase 3 (opt-in, --request): one GET per failing location through nginx, and what came back (null: not sent). */
  requests: { requests: { target: RequestTarget; result: RequestResult | null }[] };
  /** Phase 3: the machines of failed backends the user mapped (nginxDoctor.backends), by backend address. */
  backendHosts: { hops: Map<string, BackendHop> };
}

export interface SessionFailure {
  /** 1: gathering the facts; 2: the probes. */
  phase: 1 | 2;
  message: string;
  fix: string;
}

export type Fact = keyof FactGroups;

type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** The fields of the named facts. */
export type FactsOf<N extends Fact> = Intersect<FactGroups[N]>;

/** What the link helpers (context.ts) read. */
export type ConfigFacts = FactGroups['config'];

export interface Check<N extends Fact = Fact> {
  /** The id of every row it gives (the JSON contract's "id"), and its row in docs/doctor.md. */
  readonly id: string;
  /** What it checks, in a few words. */
  readonly title: string;
  /**
   * The facts it reads. One that needs "backend" runs once per backend, in the config's order,
   * with the other per-backend checks next to it in the list (once with null when there is none).
   */
  readonly needs: readonly N[];
  run(facts: FactsOf<N>): DoctorCheck[];
}

/** Declares a check: its `needs` type what run() may read. */
export function check<N extends Fact>(c: Check<N>): Check<N> {
  return c;
}
