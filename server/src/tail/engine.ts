// Several log sources at once, each line parsed, tagged with its source and, when it is an
// upstream failure, explained: cause, status and the server block and location (file:line) of
// the config that source is linked to (a local nginx.conf, or the deployed one from `nginx -T`).
// Output is a stream of TailEvents; when the consumer is slow (emit() returns false) every source
// stops reading until drain(), so memory stays bounded whatever the rate.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Explainer, LogReader, Matcher, RequestHistory, classify, configSetFromDump, isUpstreamFailure, lineOf, logFormatsFromConfig, parseNginxDump, type ConfigSet, type LogEntry, type Explanation } from '../core/index';
import type { TailEvent, TailLineEvent, TailPlace } from '../protocol/protocol';
import { loadConfig, ConfigLoadError } from '../host/load-config';
import { saveDump } from '../host/save-dump';
import { compareDeployed, hostFolder, type DeployedFile } from '../host/deployed-files';
import type { Line } from './frames';
import type { FollowHooks, Follower, StateInfo } from './follow';
import { LocalFileFollower } from './local-file';
import { SshFollower } from './ssh';
import { dumpRemoteConfig } from '../remote/nginx-dump';
import { CommandFollower } from './command';
import { hostOf, type SourceSpec } from './sources';

export interface EngineOptions {
  /** The config every source without its own `config` is linked to. */
  configRoot?: string;
  confDir?: string;
  /** Receives every event; false = slow down (then drain() is awaited). */
  emit(e: TailEvent): boolean | void;
  drain?(): Promise<void>;
  /** Where a fresh start begins (default: the end of the file). */
  start?: 'end' | 'start';
  backlog?: number;
  /** After a rename rotation, the old file is read until quiet this long once the new one has a line (default 5 s). */
  rotationQuietMs?: number;
  /** ... and at most this long after the rotation (default 60 s). */
  rotationMaxMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  idleTimeoutMs?: number;
  pollMs?: number;
  /** `ssh -F FILE` (CLI --ssh-config). */
  sshConfigFile?: string;
  ssh?: string;
  /** Remote configs (`config: "remote"`) are saved here as read-only copies, so links can be opened (one folder per host). */
  remoteConfigDir?: string;
  /** `nginx -T -c FILE` on the server, for a config outside nginx's default path. */
  remoteNginxConf?: string;
  /** Working directory of command sources. */
  cwd?: string;
}

interface Linker {
  reader: LogReader;
  explainer: Explainer | null;
  /** server path -> local copy, for remote configs. */
  copies: Map<string, string> | null;
  /** The source's lines so far: identical lines of one request's error_page chain are told apart by order. */
  history: RequestHistory | null;
  /** Deployed config against the workspace's: server path -> workspace file and whether it differs. */
  deployed: { host: string; files: Map<string, DeployedFile> } | null;
}

/** A host's deployed config, fetched once for all of its sources. */
interface Deployed extends Shared {
  files: number;
  root: string;
  copies: Map<string, string> | null;
  compared: Map<string, DeployedFile> | null;
}

/** What every source linked to one config shares: the config, its log formats, one Explainer (and so one link cache). */
interface Shared {
  set: ConfigSet;
  formats: ReturnType<typeof logFormatsFromConfig>;
  explainer: Explainer;
}

function shared(set: ConfigSet): Shared {
  return { set, formats: logFormatsFromConfig(set), explainer: new Explainer(new Matcher(set, { hostname: hostname() })) };
}

const NO_LINKER: Linker = { reader: new LogReader(), explainer: null, copies: null, history: null, deployed: null };

class SourceRun {
  seq = 0;
  linker: Linker = { ...NO_LINKER, reader: new LogReader() };
  follower: Follower | undefined;
  flushTimer: NodeJS.Timeout | undefined;
  state: StateInfo['state'] = 'connecting';
  /** Lines that came before the linker was ready (the follower is paused meanwhile). */
  queue: Line[][] | null = [];
  linking: Promise<void> = Promise.resolve();
  readonly host: string;
  constructor(readonly spec: SourceSpec) {
    this.host = hostOf(spec);
  }
}

/** Lines that were in the file before following started (a backlog) say so. */
function mark(e: TailLineEvent, history: boolean | undefined): TailLineEvent {
  if (history) e.history = true;
  return e;
}

export class TailEngine {
  private readonly runs: SourceRun[] = [];
  private stopped = false;
  private waiting: Promise<void> | null = null;
  /** Upstream failures seen per source. */
  readonly failures = new Map<string, number>();

  constructor(private readonly opts: EngineOptions) {}

  get states(): Map<string, StateInfo['state']> {
    return new Map(this.runs.map((r) => [r.spec.name, r.state]));
  }

  /** Per host: the state of its sources, the best one (live > waiting > connecting > reconnecting > failed > stopped). */
  hostStates(): Map<string, StateInfo['state']> {
    const rank: StateInfo['state'][] = ['live', 'waiting', 'connecting', 'reconnecting', 'failed', 'stopped'];
    const out = new Map<string, StateInfo['state']>();
    for (const r of this.runs) {
      const had = out.get(r.host);
      if (had === undefined || rank.indexOf(r.state) < rank.indexOf(had)) out.set(r.host, r.state);
    }
    return out;
  }

  private readonly deployed = new Map<string, Promise<Deployed | Error>>();
  /** Local configs by root (and conf dir), loaded once for all the sources linked to them. */
  private readonly locals = new Map<string, Shared | Error>();

  followers(): Follower[] {
    return this.runs.flatMap((r) => (r.follower ? [r.follower] : []));
  }

  async start(specs: SourceSpec[]): Promise<void> {
    for (const spec of specs) this.runs.push(new SourceRun(spec));
    await Promise.all(this.runs.map((r) => this.startRun(r)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.runs.map(async (r) => {
      if (r.flushTimer) clearTimeout(r.flushTimer);
      await r.follower?.stop();
    }));
  }

  private emit(e: TailEvent): void {
    if (this.opts.emit(e) === false && this.opts.drain && !this.waiting) {
      this.waiting = this.opts.drain().finally(() => (this.waiting = null));
    }
  }

  private async startRun(r: SourceRun): Promise<void> {
    // the config (nginx -T on a slow host) is fetched while the log is followed: a host that does
    // not answer shows its state as soon as the follower knows it; lines wait for their linker
    r.linking = this.linkerFor(r).catch((): Linker => ({ ...NO_LINKER, reader: new LogReader() })).then((linker) => {
      r.linker = linker;
      const queued = r.queue ?? [];
      r.queue = null;
      for (const lines of queued) void this.onLines(r, lines);
    });
    if (this.stopped) return;
    const hooks: FollowHooks = {
      lines: (lines) => {
        if (r.queue) {
          r.queue.push(lines);
          return r.linking;
        }
        return this.onLines(r, lines);
      },
      state: (s) => {
        r.state = s.state;
        if (s.state === 'stopped' && !this.stopped) return;
        this.emit({ type: 'state', source: r.spec.name, host: r.host, ...s });
      },
      notice: (kind, message, extra) => this.emit({ type: 'notice', source: r.spec.name, host: r.host, kind, message, ...extra }),
    };
    const o = this.opts;
    const backoff = { ...(o.minBackoffMs !== undefined ? { minBackoffMs: o.minBackoffMs } : {}), ...(o.maxBackoffMs !== undefined ? { maxBackoffMs: o.maxBackoffMs } : {}) };
    const rotation = { ...(o.rotationQuietMs !== undefined ? { rotationQuietMs: o.rotationQuietMs } : {}), ...(o.rotationMaxMs !== undefined ? { rotationMaxMs: o.rotationMaxMs } : {}) };
    const s = r.spec;
    if (s.kind === 'file') {
      r.follower = new LocalFileFollower(s.path, hooks, { start: o.start ?? 'end', backlog: o.backlog ?? 0, ...rotation, ...(o.pollMs ? { pollMs: o.pollMs } : {}) });
    } else if (s.kind === 'ssh') {
      r.follower = new SshFollower(s.dest, s.path, s.sudo, hooks, {
        start: o.start ?? 'end', backlog: o.backlog ?? 0, ...backoff, ...rotation,
        ...(o.idleTimeoutMs ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
        ...(o.sshConfigFile ? { configFile: o.sshConfigFile } : {}), ...(o.ssh ? { ssh: o.ssh } : {}),
      });
    } else {
      r.follower = new CommandFollower(s.argv, hooks, { ...backoff, ...(o.cwd ? { cwd: o.cwd } : {}) });
    }
    r.follower.start();
  }

  /** `nginx -T` of an SSH host, once per host (and sudo) however many of its logs are followed. */
  private fetchDeployed(dest: string, sudo: boolean): Promise<Deployed | Error> {
    const key = `${dest}\0${sudo}`;
    let p = this.deployed.get(key);
    if (!p) {
      const o = this.opts;
      p = dumpRemoteConfig(dest, sudo, {
        ...(o.sshConfigFile ? { configFile: o.sshConfigFile } : {}), ...(o.ssh ? { ssh: o.ssh } : {}),
        ...(o.remoteNginxConf ? { nginxConf: o.remoteNginxConf } : {}),
      }).then((text): Deployed => {
        const dump = parseNginxDump(text);
        if (!dump) throw new Error('nginx -T printed no configuration files');
        const copies = o.remoteConfigDir ? saveDump(dump, join(o.remoteConfigDir, hostFolder(dest))) : null;
        return { ...shared(configSetFromDump(dump)), files: dump.files.size, root: dump.root, copies, compared: o.configRoot ? compareDeployed(dump, o.configRoot) : null };
      }).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e))));
      this.deployed.set(key, p);
    }
    return p;
  }

  private async linkerFor(r: SourceRun): Promise<Linker> {
    const s = r.spec;
    let set: Shared | null = null;
    let copies: Map<string, string> | null = null;
    let deployed: Linker['deployed'] = null;
    const note = (message: string): void => this.emit({ type: 'notice', source: s.name, host: r.host, kind: 'config', message });
    if (s.config === 'remote' && s.kind === 'ssh') {
      const d = await this.fetchDeployed(s.dest, s.sudo);
      if (d instanceof Error) {
        note(`could not fetch the deployed config with nginx -T (${d.message})${this.opts.configRoot ? '; linking to the local config instead' : '; lines are explained without links'}`);
      } else {
        set = d;
        copies = d.copies;
        let same = '';
        if (d.compared) {
          deployed = { host: s.dest, files: d.compared };
          const differ = [...d.compared].filter(([, f]) => f.differsAt !== 0);
          same = differ.length ? `; ${differ.length} file(s) differ from the workspace, first ${differ[0]![0]}${differ[0]![1].differsAt > 0 ? ` from line ${differ[0]![1].differsAt}` : ' (not in the workspace)'}` : '; identical to the workspace';
        }
        note(`linked to the deployed config of ${s.dest} (nginx -T: ${d.files} file(s), root ${d.root})${same}`);
      }
    }
    const root = s.config && s.config !== 'remote' ? s.config : this.opts.configRoot;
    if (!set && root) {
      const key = `${root}\0${this.opts.confDir ?? ''}`;
      let local = this.locals.get(key);
      if (!local) {
        try {
          local = shared(loadConfig(root, this.opts.confDir));
        } catch (e) {
          local = e instanceof Error ? e : new Error(String(e));
        }
        this.locals.set(key, local);
      }
      if (local instanceof Error) note(local instanceof ConfigLoadError ? `${local.message}; lines are explained without links` : local.message);
      else set = local;
    }
    if (!set) return { ...NO_LINKER, reader: new LogReader() };
    // per source: the reader (continuation lines) and the request history; the explainer is shared
    // memory stays that of one log whatever the number of sources: they share the history budget
    const history = new RequestHistory(Math.max(2_000, Math.floor(50_000 / Math.max(1, this.runs.length))));
    return { reader: new LogReader({ formats: set.formats }), explainer: set.explainer, copies, history, deployed };
  }

  private onLines(r: SourceRun, lines: Line[]): void | Promise<void> {
    const { reader } = r.linker;
    for (const l of lines) {
      const garbage = reader.stats.garbage;
      const entries = reader.push(l.text, l.bytes);
      for (const e of entries) this.emit(mark(this.lineEvent(r, e), l.history));
      if (reader.stats.garbage > garbage) this.emit(mark(this.otherEvent(r, l.text), l.history));
    }
    // an entry that may continue on the next line is shown when no continuation comes soon
    if (r.flushTimer) clearTimeout(r.flushTimer);
    r.flushTimer = setTimeout(() => {
      r.flushTimer = undefined;
      for (const e of reader.end()) this.emit(this.lineEvent(r, e));
    }, 300);
    return this.waiting ?? undefined;
  }

  private otherEvent(r: SourceRun, text: string): TailLineEvent {
    return { type: 'line', source: r.spec.name, host: r.host, seq: ++r.seq, text, kind: 'other', level: null, time: null, failure: false, status: null };
  }

  private lineEvent(r: SourceRun, e: LogEntry): TailLineEvent {
    const ev: TailLineEvent = {
      type: 'line', source: r.spec.name, host: r.host, seq: ++r.seq, text: e.raw, kind: e.kind,
      level: e.kind === 'error' ? e.level : null,
      time: e.kind === 'error' ? e.time : (e.time ?? null),
      failure: false,
      status: e.kind === 'access' ? (e.status ?? null) : null,
    };
    const ex = r.linker.explainer;
    if (ex) {
      if (!isUpstreamFailure(e)) return ev;
      this.describe(ev, ex.explain(e, r.linker.history), r.linker);
      return ev;
    } else if (e.kind === 'error') {
      const c = classify(e);
      if (!isUpstreamFailure(e, c)) return ev;
      ev.failure = true;
      ev.status = c.status;
      ev.cause = { id: c.cause.id, title: c.cause.title };
      ev.summary = `${c.status ?? '-'}: ${c.cause.title}`;
      ev.fixes = c.cause.checks.slice(0, 4);
    } else if (isUpstreamFailure(e)) {
      ev.failure = true;
    }
    if (ev.failure) this.failures.set(r.spec.name, (this.failures.get(r.spec.name) ?? 0) + 1);
    return ev;
  }

  private describe(ev: TailLineEvent, x: Explanation, linker: Linker): void {
    ev.failure = true;
    ev.status = x.status;
    ev.cause = { id: x.cause.id, title: x.cause.title };
    ev.summary = x.summary;
    ev.confidence = x.confidence;
    if (x.why) ev.why = x.why;
    ev.fixes = x.fixes.slice(0, 4);
    const place = (file: string, line: number): TailPlace => {
      const d = linker.deployed;
      const cmp = d?.files.get(file);
      // the host runs the workspace's file unchanged: link to the workspace file
      if (d && cmp && cmp.local && cmp.differsAt === 0) return { file: cmp.local, line };
      const open = linker.copies?.get(file);
      const p: TailPlace = open ? { file, line, open } : { file, line };
      if (d && cmp) p.differs = { host: d.host, workspace: cmp.local, differsAt: cmp.differsAt };
      return p;
    };
    ev.server = x.server ? { ...place(x.server.node.file.source.path, lineOf(x.server.node)), name: x.server.loggedName } : null;
    ev.location = x.location ? { ...place(x.location.node.file.source.path, lineOf(x.location.node)), modifier: x.location.modifier, pattern: x.location.name } : null;
    this.failures.set(ev.source, (this.failures.get(ev.source) ?? 0) + 1);
  }
}

