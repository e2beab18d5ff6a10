// "Nginx: Tail Error Log..." and "Nginx: Stop Tailing": a live view of one or more error logs
// (webview panel, see html.ts), every upstream failure linked to the location that handled it,
// and a status-bar counter of 502/504 per minute per source. The work happens in a child
// process (`nginx-doctor tail --format json`, session.ts); this file keeps at most
// nginxDoctor.tailMaxLines lines, batches updates to the page, and refuses to start anything in
// an untrusted workspace.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_SECTION, DEFAULT_TAIL_SETTINGS, type LogSourceSetting, type TailEvent, type TailLineEvent, type TailPlace, type TailStateEvent } from '../../../server/src/protocol/protocol';
import { tailMessage, type TailToHost, type TailToPage, type TailViewLine } from '../../webview/messages';
import { COMMANDS, STATUS_ITEMS } from '../constants';
import type { Ctx } from '../ctx';
import { besidePanel, openPlace } from '../open-place';
import { TailSession } from './session';
import { tailPage } from './html';
import { inWorkspace, workspaceRootConfig } from '../workspace-root';
import { DeployedDocuments } from './deployed';

/** Where Debian's, Ubuntu's and nginx.org's packages write nginx's logs. */
const NGINX_LOG_DIR = '/var/log/nginx';

interface Kept {
  view: TailViewLine;
  /** The line (absent for a gap row). */
  event?: TailLineEvent;
}

export class TailFeature implements vscode.Disposable {
  private session: TailSession | undefined;
  private panel: vscode.WebviewPanel | undefined;
  private kept: Kept[] = [];
  private byId = new Map<number, Kept>();
  private nextId = 1;
  private pending: TailViewLine[] = [];
  private held = 0;
  private paused = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly states = new Map<string, TailStateEvent>();
  /** Per source: when its 502/504s came (the status bar counts the last minute). */
  private readonly hits = new Map<string, number[]>();
  private readonly deployed = new DeployedDocuments();
  private readonly status: vscode.StatusBarItem;
  private readonly ticker: NodeJS.Timeout;
  private maxLines = DEFAULT_TAIL_SETTINGS.tailMaxLines;

  private readonly output: vscode.LogOutputChannel;

  constructor(private readonly ctx: Ctx) {
    this.output = ctx.output;
    this.status = vscode.window.createStatusBarItem(STATUS_ITEMS.tailRate, vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'nginx-doctor: 502/504 per minute';
    this.status.command = COMMANDS.tailErrorLog;
    this.ticker = setInterval(() => this.updateStatus(), 5_000);
    ctx.pushCleanup(this);
  }

  dispose(): void {
    clearInterval(this.ticker);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    void this.session?.stop();
    this.panel?.dispose();
    this.status.dispose();
    this.deployed.dispose();
  }

  /** The command (the command table refuses it in Restricted Mode). */
  async start(arg?: unknown): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const sources = await this.pickSources(arg, cfg.get<LogSourceSetting[]>('logSources') ?? []);
    if (!sources?.length) return;
    await this.follow(sources);
  }

  /**
   * "Nginx: Tail Error Logs (All Hosts)": every configured source in one view; an SSH source
   * without its own `config` is linked to its host's deployed config (nginx -T), so each host's
   * lines go to the config that host runs.
   */
  async startAllHosts(): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const configured = (cfg.get<LogSourceSetting[]>('logSources') ?? []).filter((s) => s && typeof s === 'object');
    if (!configured.length) {
      const open = 'Configure Log Sources';
      const pick = await vscode.window.showInformationMessage('nginx-doctor: no log sources configured (nginxDoctor.logSources): add your hosts first.', open);
      if (pick === open) await vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.logSources`);
      return;
    }
    await this.follow(configured.map((s) => (typeof s.host === 'string' && s.host && !s.config ? { ...s, config: 'remote' } : s)));
  }

  private async follow(sources: LogSourceSetting[]): Promise<void> {
    const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION);
    this.maxLines = Math.max(100, Math.min(1_000_000, cfg.get<number>('tailMaxLines') ?? DEFAULT_TAIL_SETTINGS.tailMaxLines));
    await this.session?.stop();
    this.reset();
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const resolve = (p: string): string => inWorkspace(p, folder);
    const resolved = sources.map((s) => ({
      ...s,
      ...(s.path !== undefined && !s.host ? { path: resolve(s.path) } : {}),
      ...(s.config && s.config !== 'remote' ? { config: resolve(s.config) } : {}),
    }));
    const configRoot = await workspaceRootConfig(cfg, folder);
    const remoteConfigDir = join(this.ctx.extension.globalStorageUri.fsPath, 'remote-config');
    this.output.info(`tail: ${resolved.map((s) => s.name).join(', ')}${configRoot ? ` (linked to ${configRoot})` : ''}`);
    this.showPanel();
    const session = new TailSession({
      cli: this.ctx.cli,
      sources: resolved,
      ...(configRoot ? { configRoot } : {}),
      remoteConfigDir,
      backlog: 16 * 1024,
      ...(folder ? { cwd: folder } : {}),
      onEvent: (e) => this.onEvent(e),
      onExit: (code, stderr) => {
        if (this.session !== session) return;
        if (code !== 0 && code !== null) {
          this.output.error(`tail exited with ${code}: ${stderr.trim()}`);
          if (code === 2) void vscode.window.showErrorMessage(`nginx-doctor tail: ${stderr.replace(/^nginx-doctor: /, '').split('\n')[0]}`);
        }
        for (const [name, s] of this.states) if (s.state !== 'failed') this.states.set(name, { ...s, state: 'stopped', message: 'stopped' });
        this.postStates();
        this.updateStatus();
      },
    });
    this.session = session;
    session.start();
    this.updateStatus();
  }

  async stop(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    await s?.stop();
    for (const [name, st] of this.states) if (st.state !== 'failed') this.states.set(name, { ...st, state: 'stopped', message: 'stopped' });
    this.postStates();
    this.status.hide();
  }

  // ----- choosing sources ---------------------------------------------------------------------

  private async pickSources(arg: unknown, configured: LogSourceSetting[]): Promise<LogSourceSetting[] | undefined> {
    if (typeof arg === 'string') return [{ name: arg.split(/[\\/]/).pop() || arg, path: arg }];
    if (arg && typeof arg === 'object' && Array.isArray((arg as { sources?: unknown }).sources)) return (arg as { sources: LogSourceSetting[] }).sources;
    type Item = vscode.QuickPickItem & { sources?: LogSourceSetting[]; browse?: true; settings?: true };
    const describe = (s: LogSourceSetting): string =>
      s.command ? `command: ${s.command.join(' ')}` : s.host ? `${s.host}:${s.path ?? ''}${s.sudo ? ' (sudo)' : ''}` : (s.path ?? '');
    const items: Item[] = configured.map((s) => ({ label: s.name, description: describe(s), sources: [s] }));
    if (configured.length > 1) items.push({ label: 'All configured sources', description: configured.map((s) => s.name).join(', '), sources: configured });
    // the workspace's own *.log files, offered as they are (not the configured ones again)
    const taken = new Set(configured.filter((s) => !s.host && s.path).map((s) => inWorkspace(s.path!, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath)));
    const logs = (await vscode.workspace.findFiles('**/*.log', '**/node_modules/**', 20)).filter((u) => !taken.has(u.fsPath)).sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    for (const u of logs.slice(0, 10)) {
      const rel = vscode.workspace.asRelativePath(u, false);
      items.push({ label: rel, description: 'workspace log file', sources: [{ name: rel.split('/').pop() ?? rel, path: u.fsPath }] });
    }
    items.push({ label: 'Local log file...', description: existsSync(NGINX_LOG_DIR) ? `choose a file (${NGINX_LOG_DIR})` : 'choose a file', browse: true });
    items.push({ label: 'Configure log sources...', description: 'nginxDoctor.logSources (SSH hosts, commands)', settings: true });
    const pick = await vscode.window.showQuickPick(items, { title: 'Tail an nginx error log', placeHolder: configured.length ? 'Which log?' : 'No log sources configured yet: pick a local file, or configure SSH hosts' });
    if (!pick) return undefined;
    if (pick.settings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.logSources`);
      return undefined;
    }
    if (pick.browse) {
      // where nginx writes its logs on this machine, else beside the workspace's logs, else the workspace
      const start = existsSync(NGINX_LOG_DIR) ? vscode.Uri.file(NGINX_LOG_DIR) : logs[0] ? vscode.Uri.joinPath(logs[0], '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
      const uris = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Tail', ...(start ? { defaultUri: start } : {}), filters: { Logs: ['log', '1', 'txt'], All: ['*'] } });
      return uris?.map((u) => ({ name: u.path.split('/').pop() ?? u.fsPath, path: u.fsPath }));
    }
    return pick.sources;
  }

  // ----- events -----------------------------------------------------------------------------------

  private onEvent(e: TailEvent): void {
    if (e.type === 'state') {
      this.states.set(e.source, e);
      if (e.state === 'failed') this.output.warn(`tail ${e.source}: ${e.message ?? ''}${e.fix ? ` Fix: ${e.fix}` : ''}`);
      this.postStates();
      this.updateStatus();
      return;
    }
    if (e.type === 'notice') {
      if (e.kind === 'gap') this.output.warn(`tail ${e.source}: ${e.message}`);
      else this.output.info(`tail ${e.source}: ${e.message}`);
      if (e.kind === 'retry') {
        // still reconnecting: the state shows which attempt comes next
        const st = this.states.get(e.source);
        if (st?.state === 'reconnecting') {
          this.states.set(e.source, { ...st, message: e.message, ...(e.attempt !== undefined ? { attempt: e.attempt } : {}), ...(e.retryInMs !== undefined ? { retryInMs: e.retryInMs } : {}) });
          this.postStates();
        }
      }
      // lines that cannot be shown get a row where they are missing, in every filter
      if (e.kind === 'gap') this.addRow({ view: { id: this.nextId++, source: e.source, host: e.host ?? e.source, text: e.message, kind: 'gap', level: null, failure: false, status: null } });
      return;
    }
    const view = this.toView(e);
    this.addRow({ view, event: e });
    if (e.failure && (e.status === 502 || e.status === 504) && !e.history) {
      const list = this.hits.get(e.source) ?? [];
      list.push(Date.now());
      if (list.length > 100_000) list.splice(0, list.length - 100_000);
      this.hits.set(e.source, list);
    }
  }

  private addRow(k: Kept): void {
    const view = k.view;
    this.kept.push(k);
    this.byId.set(view.id, k);
    if (this.kept.length > this.maxLines * 1.1) {
      for (const old of this.kept.splice(0, this.kept.length - this.maxLines)) this.byId.delete(old.view.id);
    }
    if (this.paused) {
      this.held++;
      this.scheduleFlush();
      return;
    }
    this.pending.push(view);
    if (this.pending.length > this.maxLines) this.pending.splice(0, this.pending.length - this.maxLines);
    this.scheduleFlush();
  }

  private toView(e: TailLineEvent): TailViewLine {
    const place = (p: TailPlace | null | undefined, what: string): string | undefined => (p ? `${what} (${vscode.workspace.asRelativePath(p.file)}:${p.line})` : undefined);
    const loc = e.location ? place(e.location, `location ${e.location.modifier ? `${e.location.modifier} ` : ''}${e.location.pattern}`) : undefined;
    const srv = e.server ? place(e.server, `server ${e.server.name || '""'}`) : undefined;
    const d = (e.location ?? e.server)?.differs;
    const differs = d ? `deployed on ${d.host}: ${d.differsAt > 0 ? `differs from the workspace from line ${d.differsAt}` : 'not in the workspace'}` : undefined;
    return {
      id: this.nextId++, source: e.source, host: e.host ?? e.source, text: e.text, kind: e.kind, level: e.level, failure: e.failure, status: e.status,
      ...(differs ? { differs } : {}),
      ...(e.cause ? { cause: `${e.cause.id}: ${e.cause.title}` } : {}),
      ...(e.summary ? { summary: e.summary } : {}),
      ...(loc ? { location: loc } : {}),
      ...(srv ? { server: srv } : {}),
    };
  }

  private scheduleFlush(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const w = this.panel?.webview;
      if (!w) {
        this.pending = [];
        return;
      }
      if (this.paused) {
        void this.post({ type: 'held', count: this.held });
        this.updateStatus();
        return;
      }
      if (this.pending.length) void this.post({ type: 'append', lines: this.pending });
      this.pending = [];
      this.updateStatus();
    }, 100);
  }

  private reset(): void {
    this.kept = [];
    this.byId.clear();
    this.pending = [];
    this.held = 0;
    this.paused = false;
    this.states.clear();
    this.hits.clear();
  }

  // ----- the panel --------------------------------------------------------------------------------

  private showPanel(): void {
    if (this.panel) {
      this.ctx.revealPanel(this.panel, true);
      this.sendInit();
      return;
    }
    const panel = this.ctx.createPanel('tail', 'Nginx error log', { preserveFocus: true }, true);
    this.panel = panel;
    panel.webview.html = this.ctx.pageHtml(panel, 'tail', tailPage());
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
      void this.stop();
    });
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      const m = tailMessage(raw);
      if (m) void this.onMessage(m);
    });
  }

  private post(m: TailToPage): Thenable<boolean> | undefined {
    return this.panel?.webview.postMessage(m);
  }

  private async sendInit(): Promise<void> {
    const commands = await vscode.commands.getCommands(true);
    this.pending = [];
    await this.post({
      type: 'init', maxLines: this.maxLines, canExplain: commands.includes(COMMANDS.explain502),
      lines: this.kept.map((k) => k.view), states: [...this.states.values()],
    });
  }

  private async onMessage(m: TailToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        await this.sendInit();
        break;
      case 'pause':
        this.paused = true;
        break;
      case 'resume': {
        this.paused = false;
        this.held = 0;
        void this.post({ type: 'held', count: 0 });
        await this.sendInit();
        break;
      }
      case 'clear':
        this.kept = [];
        this.byId.clear();
        this.pending = [];
        break;
      case 'open': {
        const e = this.byId.get(m.id)?.event;
        const p = e ? (m.what === 'server' ? e.server : e.location ?? e.server) : undefined;
        if (!p) return;
        // beside the tail view, which stays in sight
        if (p.differs) await this.deployed.open({ ...p, differs: p.differs }, besidePanel(this.panel));
        else await openPlace({ file: p.open ?? p.file, line: p.line }, besidePanel(this.panel));
        break;
      }
      case 'explain': {
        const e = this.byId.get(m.id)?.event;
        if (!e) return;
        const where = e.location ?? e.server;
        await vscode.commands.executeCommand(COMMANDS.explain502, { logLine: e.text, source: e.source, ...(where ? { location: { file: where.open ?? where.file, line: where.line } } : {}) });
        break;
      }
    }
  }

  private postStates(): void {
    void this.post({ type: 'states', states: [...this.states.values()] });
  }

  // ----- status bar -------------------------------------------------------------------------------

  private updateStatus(): void {
    if (!this.session) {
      this.status.hide();
      return;
    }
    const now = Date.now();
    const rate = (source: string): number => {
      const list = (this.hits.get(source) ?? []).filter((t) => now - t < 60_000);
      this.hits.set(source, list);
      return list.length;
    };
    // per host: its sources' states (several logs of one host count once)
    const hosts = new Map<string, TailStateEvent[]>();
    for (const st of this.states.values()) {
      const h = st.host ?? st.source;
      hosts.set(h, [...(hosts.get(h) ?? []), st]);
    }
    const failed = [...this.states.values()].some((s) => s.state === 'failed');
    if (hosts.size > 1) {
      // a fleet: the total across hosts, and the hosts that are down
      const isDown = (list: TailStateEvent[]): boolean => list.every((s) => s.state === 'failed' || s.state === 'reconnecting');
      const hostRate = (list: TailStateEvent[]): number => list.reduce((n, s) => n + rate(s.source), 0);
      const down = [...hosts].filter(([, list]) => isDown(list)).map(([h]) => h);
      const tips = [...hosts].map(([h, list]) => `${h}: ${hostRate(list)} 502/504 in the last minute; ${isDown(list) ? `DOWN${list[0]?.message ? ` (${list[0].message})` : ''}` : list.map((s) => s.state).join(', ')}`);
      const total = [...hosts.values()].reduce((n, list) => n + hostRate(list), 0);
      this.status.text = `${failed || down.length ? '$(error)' : '$(pulse)'} 502/504/min: ${total} across ${hosts.size} hosts${down.length ? ` (${down.length} down)` : ''}`;
      this.status.tooltip = tips.join('\n');
      this.status.show();
      return;
    }
    const parts: string[] = [];
    const tips: string[] = [];
    for (const [name, st] of this.states) {
      const n = rate(name);
      parts.push(`${name} ${n}`);
      tips.push(`${name}: ${n} 502/504 in the last minute; ${st.state}${st.message ? ` (${st.message})` : ''}`);
    }
    this.status.text = `${failed ? '$(error)' : '$(pulse)'} 502/504/min: ${parts.join(' · ') || 'starting'}`;
    this.status.tooltip = tips.join('\n') || 'nginx-doctor is tailing error logs';
    this.status.show();
  }
}
