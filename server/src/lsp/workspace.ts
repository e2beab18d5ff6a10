// Keeps the analysis units of the workspace: each root config (with its include graph) and each
// snippet that no root includes. Decides which units a document belongs to, re-analyses them
// (debounced) on edits and disk changes, and publishes diagnostics for every file of an active
// unit's include graph. Open editor buffers win over the disk.
import { isMachineConfig } from '../host/machine-config';
import { dirname, isAbsolute, join, resolve as resolvePath, basename } from 'node:path';
import {
  analyze, defaultCatalog, isRootConfig, ParseCache, snippetContext,
  type Analysis, type AnalyzeOptions, type BlockKind, type Diagnostic, type FileHost, type ParsedFile, type SnippetContext,
} from '../core/index';
import { DiskHost, OverlayHost } from '../host/disk-host';
import { findRootConfigs } from './roots';
import { GuardedHost, explainRefusals, insideRoots, realPath } from './include-guard';
import type { Settings } from '../protocol/protocol';

export interface Unit {
  /** The root config's path (or the snippet's path / untitled URI). */
  path: string;
  kind: 'root' | 'snippet';
  startContext?: BlockKind;
  contextReason?: 'comment' | 'inferred' | 'default';
  analysis?: Analysis;
}

export interface WorkspaceHooks {
  /** Called with the merged diagnostics of every file whose diagnostics may have changed. */
  publish(byFile: Map<string, Diagnostic[]>, units: Unit[]): void;
  /** Called once, the first time a snippet is analysed in an assumed context. */
  snippetAssumed(unit: Unit): void;
  /** Something went wrong (shown in the output at the default level). */
  log(message: string): void;
  /** Routine news: each analysis and its time (shown when the output's log level is Debug). */
  debug(message: string): void;
}

const SNIPPET_DIRS = new Set(['conf.d', 'sites-enabled', 'sites-available', 'snippets', 'includes']);

export class Workspace {
  readonly cache = new ParseCache();
  private readonly units = new Map<string, Unit>();
  private readonly open = new Map<string, string>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly published = new Set<string>();
  /** What was last sent per file (signature of the list), so unchanged files are not sent again. */
  private readonly sent = new Map<string, string>();
  /** When each unit's last analysis ended (Date.now()), to tell a burst of edits from a single one. */
  private readonly lastRun = new Map<string, number>();
  private roots: string[] | undefined;
  private snippetNoticeGiven = false;
  /** Disk with open buffers on top, unguarded: every read goes through a guard (host, guardFor). */
  private readonly disk: FileHost;
  private workspaceGuard: { key: string; host: GuardedHost } | undefined;
  folders: string[] = [];
  /** The settings in effect (in restricted mode without the values that point outside the workspace). */
  settings: Settings;
  /** The settings as read; `settings` is derived from them (setSettings). */
  private rawSettings: Settings;
  /** Settings left out in restricted mode, as sentences for the language status. */
  ignoredSettings: string[] = [];
  /** Open documents too big to analyse (huge.ts) and their size in characters: syntax only, no editing features. */
  readonly huge = new Map<string, number>();
  nginxVersion: string | null = null;
  /** False in restricted mode: no process, and no probing of this machine (unix sockets). */
  trusted = false;
  /**
   * Edits that follow an analysis of their unit within this time are debounced by it; an edit to
   * an idle unit is analysed at once (a single keystroke gets its diagnostics without waiting).
   */
  debounceMs = 200;

  constructor(private readonly hooks: WorkspaceHooks, settings: Settings) {
    this.settings = settings;
    this.rawSettings = settings;
    this.disk = new OverlayHost(new DiskHost(), (p) => this.open.get(p));
  }

  /**
   * Takes the settings as read. In restricted mode, nginxDoctor.confDir and nginxDoctor.rootConfig
   * values that point outside the workspace folders (a cloned repository's .vscode/settings.json
   * saying "confDir": "/") are ignored: they would widen what includes may read.
   */
  setSettings(raw: Settings = this.rawSettings): void {
    this.rawSettings = raw;
    const ignored: string[] = [];
    let settings = raw;
    if (!this.trusted) {
      const folders = this.folders.map((f) => realPath(f));
      const inside = (p: string): boolean => insideRoots(realPath(this.resolveSetting(p)), folders);
      if (raw.confDir && !inside(raw.confDir)) {
        ignored.push(`nginxDoctor.confDir "${raw.confDir}" is outside the workspace`);
        settings = { ...settings, confDir: '' };
      }
      const roots = raw.rootConfig.filter(inside);
      if (roots.length < raw.rootConfig.length) {
        ignored.push(`nginxDoctor.rootConfig ${raw.rootConfig.filter((r) => !inside(r)).map((r) => `"${r}"`).join(', ')} ${raw.rootConfig.length - roots.length > 1 ? 'are' : 'is'} outside the workspace`);
        settings = { ...settings, rootConfig: roots };
      }
    }
    this.settings = settings;
    this.ignoredSettings = ignored;
    this.workspaceGuard = undefined;
  }

  /**
   * Reads files for requests that are not about one analysis (hover, navigation, explain): the
   * workspace folders, the conf prefix, nginxDoctor.allowedIncludePaths and open buffers only.
   */
  get host(): GuardedHost {
    const roots = this.allowedRoots();
    const key = roots.join('\0');
    if (this.workspaceGuard?.key !== key) this.workspaceGuard = { key, host: new GuardedHost(this.disk, roots, (p) => this.open.has(p)) };
    return this.workspaceGuard.host;
  }

  private allowedRoots(): string[] {
    return [
      ...this.folders,
      ...(this.settings.confDir ? [this.resolveSetting(this.settings.confDir)] : []),
      ...(this.settings.allowedIncludePaths ?? []).map((p) => this.resolveSetting(p)),
    ];
  }

  setDocument(path: string, text: string | undefined): void {
    if (text === undefined) this.open.delete(path);
    else this.open.set(path, text);
  }

  openText(path: string): string | undefined {
    return this.open.get(path);
  }

  isOpen(path: string): boolean {
    return this.open.has(path);
  }

  /** Root configs: from settings, else found by scanning the workspace folders (cached). */
  rootConfigs(): string[] {
    if (this.settings.rootConfig.length) {
      const base = this.folders[0] ?? '/';
      return this.settings.rootConfig.map((r) => (isAbsolute(r) ? r : resolvePath(base, r)));
    }
    this.roots ??= findRootConfigs(this.folders);
    return this.roots;
  }

  forgetRoots(): void {
    this.roots = undefined;
  }

  /** The units a file belongs to, creating (and analysing) them as needed. */
  unitsFor(path: string): Unit[] {
    for (const root of this.rootConfigs()) {
      if (!this.units.has(root)) this.units.set(root, { path: root, kind: 'root' });
    }
    const hits: Unit[] = [];
    for (const unit of this.units.values()) {
      if (unit.kind !== 'root') continue;
      if (!unit.analysis) this.run(unit);
      if (unit.analysis?.set.files.has(path)) hits.push(unit);
    }
    if (hits.length) {
      this.units.delete(unitKey({ path, kind: 'snippet' }));
      return hits;
    }
    const text = this.host.readFile(path);
    const parsed = text === undefined ? undefined : this.cache.get(path, text);
    if (parsed && isRootConfig(parsed)) {
      const unit: Unit = { path, kind: 'root' };
      this.units.set(path, unit);
      return [unit];
    }
    const key = unitKey({ path, kind: 'snippet' });
    let unit = this.units.get(key);
    if (!unit) {
      unit = { path, kind: 'snippet' };
      this.units.set(key, unit);
    }
    return [unit];
  }

  /** Units whose files include this path (without creating new ones). */
  unitsContaining(path: string): Unit[] {
    return [...this.units.values()].filter((u) => u.path === path || u.analysis?.set.files.has(path));
  }

  activeUnits(): Unit[] {
    return [...this.units.values()].filter((u) => [...this.open.keys()].some((p) => u.path === p || u.analysis?.set.files.has(p)));
  }

  schedule(units: Unit[], immediately = false): void {
    for (const unit of units) {
      const key = unitKey(unit);
      const t = this.timers.get(key);
      if (t) clearTimeout(t);
      const fire = (): void => {
        this.timers.delete(key);
        if (this.units.get(key) !== unit) return;
        try {
          this.run(unit);
          this.publishActive();
        } catch (e) {
          // a failing analysis must not take the server down: log it, keep serving other files
          this.hooks.log(`analysis of ${unit.path} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        }
      };
      if (immediately) fire();
      else {
        // idle (no analysis pending or just finished): analyse as soon as this event is handled
        const idle = !t && Date.now() - (this.lastRun.get(key) ?? -Infinity) >= this.debounceMs;
        this.timers.set(key, setTimeout(fire, idle ? 0 : this.debounceMs));
      }
    }
  }

  /**
   * Makes a unit's analysis current: one that waits for its debounce (an edit just arrived) runs
   * now, so a request answered from the analysis (explain, match) sees the text as it is.
   */
  settle(unit: Unit): void {
    const key = unitKey(unit);
    const t = this.timers.get(key);
    if (t) {
      clearTimeout(t);
      this.timers.delete(key);
      this.run(unit);
      this.publishActive();
    } else if (!unit.analysis) this.run(unit);
  }

  /** Re-analyses every unit (settings changed, trust changed). */
  rerunAll(): void {
    for (const u of this.units.values()) u.analysis = undefined;
    this.schedule(this.activeUnitsAfterRefresh(), true);
  }

  private activeUnitsAfterRefresh(): Unit[] {
    return [...new Set([...this.open.keys()].flatMap((p) => this.unitsFor(p)))];
  }

  /** Files changed on disk: forget their parses and re-analyse what depends on them. */
  filesChanged(paths: string[], structural: boolean): void {
    for (const p of paths) this.cache.delete(p);
    this.workspaceGuard = undefined; // its real paths may be stale (a link changed)
    if (structural) this.forgetRoots();
    const affected = structural ? this.activeUnitsAfterRefresh() : [...new Set(paths.flatMap((p) => this.unitsContaining(p)))];
    this.schedule(affected);
  }

  /** The options an analysis of this root (or snippet) runs with. */
  analyzeOptions(path: string, kind: Unit['kind']): AnalyzeOptions & { contextReason?: SnippetContext['reason'] } {
    const common: AnalyzeOptions = {
      host: this.guardFor(path),
      catalog: defaultCatalog(),
      cache: this.cache,
      nginxVersion: this.nginxVersion,
      severities: this.settings.rules,
      ruleOptions: { websocketReadTimeout: this.settings.websocketReadTimeout, stableHostnames: this.settings.stableHostnames, checkLocalSockets: this.trusted && isMachineConfig(path, true) },
    };
    const confDir = this.settings.confDir ? this.resolveSetting(this.settings.confDir) : undefined;
    if (kind === 'root') return { ...common, ...(confDir ? { confDir } : {}) };
    const text = this.host.readFile(path) ?? '';
    const ctx = snippetContext(this.cache.get(path, text), defaultCatalog());
    const dir = dirname(path);
    const base = confDir ?? (SNIPPET_DIRS.has(basename(dir)) ? dirname(dir) : dir);
    return { ...common, confDir: base, startContext: ctx.context, rootText: text, contextReason: ctx.reason };
  }

  /**
   * The host an analysis of this root reads through: includes outside the workspace folders, the
   * conf prefix, the root's own directory and nginxDoctor.allowedIncludePaths are not read.
   */
  guardFor(rootPath: string): GuardedHost {
    // the root's own directory (and, for a snippet in conf.d/ or sites-enabled/, the one above,
    // where nginx would resolve its includes) when the root itself may be read: inside the allowed
    // roots, open in the editor, or a root config the settings name
    const own = this.host.allows(rootPath) || this.settings.rootConfig.some((r) => this.resolveSetting(r) === rootPath);
    const dirs = own ? [dirname(rootPath), ...(SNIPPET_DIRS.has(basename(dirname(rootPath))) ? [dirname(dirname(rootPath))] : [])] : [];
    // in restricted mode a directory outside the workspace is not opened up by a root found in it
    const extra = this.trusted ? dirs : dirs.filter((d) => this.host.allows(d));
    return new GuardedHost(this.disk, [...this.allowedRoots(), ...extra], (p) => this.open.has(p));
  }

  run(unit: Unit): void {
    const started = Date.now();
    const opts = this.analyzeOptions(unit.path, unit.kind);
    unit.analysis = analyze(unit.path, opts);
    if (opts.host instanceof GuardedHost) unit.analysis.diagnostics = explainRefusals(unit.analysis.diagnostics, opts.host);
    if (unit.kind === 'snippet') {
      const ctx = { context: opts.startContext!, reason: opts.contextReason! };
      unit.startContext = ctx.context;
      unit.contextReason = ctx.reason;
      if (ctx.reason !== 'comment' && !this.snippetNoticeGiven) {
        this.snippetNoticeGiven = true;
        this.hooks.snippetAssumed(unit);
      }
    }
    this.lastRun.set(unitKey(unit), Date.now());
    this.hooks.debug(`analysed ${unit.path} (${unit.analysis.set.files.size} files, ${unit.analysis.set.all.length} directives) in ${Date.now() - started} ms`);
  }

  private resolveSetting(p: string): string {
    return isAbsolute(p) ? p : join(this.folders[0] ?? '/', p);
  }

  /** Publishes merged diagnostics of all active units, and clears files no longer covered. */
  publishActive(): void {
    const active = this.activeUnits();
    const byFile = new Map<string, Diagnostic[]>();
    for (const unit of active) {
      if (!unit.analysis) this.run(unit);
      const a = unit.analysis!;
      for (const f of a.set.files.keys()) if (!byFile.has(f)) byFile.set(f, []);
      for (const d of a.diagnostics) byFile.get(d.file)?.push(d) ?? byFile.set(d.file, [d]);
    }
    const send = new Map<string, Diagnostic[]>();
    for (const [f, list] of byFile) if (list.length || this.open.has(f) || this.published.has(f)) send.set(f, dedupe(list));
    for (const f of this.published) if (!send.has(f)) send.set(f, []);
    this.published.clear();
    for (const [f, list] of send) if (list.length) this.published.add(f);
    // send only files whose diagnostics (or the texts their positions refer to) changed
    const files = new Map(active.flatMap((u) => [...(u.analysis?.set.files ?? new Map<string, ParsedFile>())]));
    for (const [f, list] of send) {
      const sig = signature(f, list, files);
      if (this.sent.get(f) === sig) send.delete(f);
      else this.sent.set(f, sig);
    }
    // open documents first: a unit of 1,000 files sends 1,000 notifications, and the one the user
    // looks at should not wait behind the others
    const ordered = new Map([...send].filter(([f]) => this.open.has(f)));
    for (const [f, list] of send) if (!ordered.has(f)) ordered.set(f, list);
    this.hooks.publish(ordered, active);
  }
}

/** A unit's key in units, timers and lastRun: a root by its path; a snippet apart from a root of the same path. */
function unitKey(unit: Pick<Unit, 'path' | 'kind'>): string {
  return unit.kind === 'snippet' ? `${unit.path}\0snippet` : unit.path;
}

/** Identity of each parsed file version (a new parse is a new object). */
const versions = new WeakMap<object, number>();
let nextVersion = 1;

function versionOf(file: ParsedFile | undefined): number {
  if (!file) return 0;
  let v = versions.get(file);
  if (v === undefined) versions.set(file, (v = nextVersion++));
  return v;
}

/**
 * What a file's published diagnostics depend on: the list itself and the versions of the texts
 * its offsets (and related locations) are converted with.
 */
function signature(path: string, list: Diagnostic[], files: Map<string, ParsedFile>): string {
  let sig = `${versionOf(files.get(path))}`;
  for (const d of list) {
    sig += `\n${d.start}\0${d.end}\0${d.severity}\0${d.code}\0${d.message}`;
    for (const r of d.related ?? []) sig += `\0${r.file}\0${versionOf(files.get(r.file))}\0${r.start}\0${r.end}\0${r.message}`;
  }
  return sig;
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.start}\0${d.end}\0${d.code}\0${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
