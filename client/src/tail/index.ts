// "Nginx: Tail Error Log..." and "Nginx: Stop Tailing": a live view of one or more error logs
// (webview panel, see html.ts), every upstream failure linked to the location that handled it,
// and a status-bar counter of 502/504 per minute per source. The work happens in a child
// process (`nginx-doctor tail --format json`, session.ts); this file keeps at most
// nginxDoctor.tailMaxLines lines, batches updates to the page, and refuses to start anything in
// an untrusted workspace.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CONFIG_SECTION, DEFAULT_TAIL_SETTINGS, type LogSourceSetting, type TailEvent, type TailLineEvent, type TailPlace, type TailStateEvent } from '../../../server/src/protocol/protocol';
import { TailSession } from './session';
import { tailHtml } from './html';
import { inWorkspace, workspaceRootConfig } from '../workspace-root';
import { EXPLAIN_COMMAND } from '../explain/index';


/** What the page gets for one line (plain data; the page renders it with textContent). */
interface ViewLine {
  id: number;
  source: string;
  text: string;
  kind: string;
  level: string | null;
  failure: boolean;
  status: number | null;
  cause?: string;
  summary?: string;
  location?: string;
  server?: string;
}

interface Kept {
  view: ViewLine;
  event: TailLineEvent;
}

export function registerTail(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): vscode.Disposable {
  const c = new TailController(context, output);
  return vscode.Disposable.from(
    c,
    vscode.commands.registerCommand('nginxDoctor.tailErrorLog', (arg?: unknown) => c.start(arg)),
    vscode.commands.registerCommand('nginxDoctor.stopTail', () => c.stop()),
  );
}

class TailController implements vscode.Disposable {
  private session: TailSession | undefined;
  private panel: vscode.WebviewPanel | undefined;
  private kept: Kept[] = [];
  private byId = new Map<number, Kept>();
  private nextId = 1;
  private pending: ViewLine[] = [];
  private held = 0;
  private paused = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly states = new Map<string, TailStateEvent>();
  private readonly hits = new Map<string, number[]>();
  private readonly status: vscode.StatusBarItem;
  private readonly ticker: NodeJS.Timeout;
  private maxLines = DEFAULT_TAIL_SETTINGS.tailMaxLines;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.status = vscode.window.createStatusBarItem('nginxDoctor.tailRate', vscode.StatusBarAlignment.Left, 10);
    this.status.name = 'nginx-doctor: 502/504 per minute';
    this.status.command = 'nginxDoctor.tailErrorLog';
    this.ticker = setInterval(() => this.updateStatus(), 5_000);
  }

  dispose(): void {
    clearInterval(this.ticker);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    void this.session?.stop();
    this.panel?.dispose();
    this.status.dispose();
  }

  async start(arg?: unknown): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('nginx-doctor: tailing logs runs ssh and other programs, which Restricted Mode does not allow. Trust this workspace (Workspaces: Manage Workspace Trust) to tail logs.');
      return;
    }
    const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION);
    this.maxLines = Math.max(100, Math.min(1_000_000, cfg.get<number>('tailMaxLines') ?? DEFAULT_TAIL_SETTINGS.tailMaxLines));
    const sources = await this.pickSources(arg, cfg.get<LogSourceSetting[]>('logSources') ?? []);
    if (!sources?.length) return;
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
    const remoteConfigDir = join(this.context.globalStorageUri.fsPath, 'remote-config');
    this.output.info(`tail: ${resolved.map((s) => s.name).join(', ')}${configRoot ? ` (linked to ${configRoot})` : ''}`);
    this.showPanel();
    const session = new TailSession({
      cli: this.context.asAbsolutePath(join('dist', 'cli.js')),
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
    items.push({ label: 'Local log file...', description: 'choose a file', browse: true });
    items.push({ label: 'Configure log sources...', description: 'nginxDoctor.logSources (SSH hosts, commands)', settings: true });
    const pick = await vscode.window.showQuickPick(items, { title: 'Tail an nginx error log', placeHolder: configured.length ? 'Which log?' : 'No log sources configured yet: pick a local file, or configure SSH hosts' });
    if (!pick) return undefined;
    if (pick.settings) {
      await vscode.commands.executeCommand('workbench.action.openSettings', `${CONFIG_SECTION}.logSources`);
      return undefined;
    }
    if (pick.browse) {
      const uris = await vscode.window.showOpenDialog({ canSelectMany: true, openLabel: 'Tail', filters: { Logs: ['log', '1', 'txt'], All: ['*'] } });
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
      this.output.info(`tail ${e.source}: ${e.message}`);
      return;
    }
    const view = this.toView(e);
    const k = { view, event: e };
    this.kept.push(k);
    this.byId.set(view.id, k);
    if (this.kept.length > this.maxLines * 1.1) {
      for (const old of this.kept.splice(0, this.kept.length - this.maxLines)) this.byId.delete(old.view.id);
    }
    if (e.failure && (e.status === 502 || e.status === 504) && !e.history) {
      const list = this.hits.get(e.source) ?? [];
      list.push(Date.now());
      if (list.length > 100_000) list.splice(0, list.length - 100_000);
      this.hits.set(e.source, list);
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

  private toView(e: TailLineEvent): ViewLine {
    const place = (p: TailPlace | null | undefined, what: string): string | undefined => (p ? `${what}  ${vscode.workspace.asRelativePath(p.file)}:${p.line}` : undefined);
    const loc = e.location ? place(e.location, `location ${e.location.modifier ? `${e.location.modifier} ` : ''}${e.location.pattern}`) : undefined;
    const srv = e.server ? place(e.server, `server ${e.server.name || '""'}`) : undefined;
    return {
      id: this.nextId++, source: e.source, text: e.text, kind: e.kind, level: e.level, failure: e.failure, status: e.status,
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
        void w.postMessage({ type: 'held', count: this.held });
        this.updateStatus();
        return;
      }
      if (this.pending.length) void w.postMessage({ type: 'append', lines: this.pending });
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
      this.panel.reveal(undefined, true);
      this.sendInit();
      return;
    }
    const panel = vscode.window.createWebviewPanel('nginxDoctor.tail', 'Nginx error log', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      retainContextWhenHidden: true,
      localResourceRoots: [],
    });
    this.panel = panel;
    const nonce = randomBytes(16).toString('base64');
    panel.webview.html = tailHtml(nonce, panel.webview.cspSource);
    panel.onDidDispose(() => {
      if (this.panel === panel) this.panel = undefined;
      void this.stop();
    });
    panel.webview.onDidReceiveMessage((m: { type?: string; id?: number; what?: string }) => void this.onMessage(m));
  }

  private async sendInit(): Promise<void> {
    const commands = await vscode.commands.getCommands(true);
    this.pending = [];
    await this.panel?.webview.postMessage({
      type: 'init', maxLines: this.maxLines, canExplain: commands.includes(EXPLAIN_COMMAND),
      lines: this.kept.map((k) => k.view), states: [...this.states.values()],
    });
  }

  private async onMessage(m: { type?: string; id?: number; what?: string }): Promise<void> {
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
        void this.panel?.webview.postMessage({ type: 'held', count: 0 });
        await this.sendInit();
        break;
      }
      case 'clear':
        this.kept = [];
        this.byId.clear();
        this.pending = [];
        break;
      case 'open': {
        const k = typeof m.id === 'number' ? this.byId.get(m.id) : undefined;
        const p = k ? (m.what === 'server' ? k.event.server : k.event.location ?? k.event.server) : undefined;
        if (!p) return;
        const line = Math.max(0, p.line - 1);
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(p.open ?? p.file));
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, 0, line, 0) });
        break;
      }
      case 'explain': {
        const k = typeof m.id === 'number' ? this.byId.get(m.id) : undefined;
        if (!k) return;
        const where = k.event.location ?? k.event.server;
        await vscode.commands.executeCommand(EXPLAIN_COMMAND, { logLine: k.event.text, source: k.event.source, ...(where ? { location: { file: where.open ?? where.file, line: where.line } } : {}) });
        break;
      }
    }
  }

  private postStates(): void {
    void this.panel?.webview.postMessage({ type: 'states', states: [...this.states.values()] });
  }

  // ----- status bar -------------------------------------------------------------------------------

  private updateStatus(): void {
    if (!this.session) {
      this.status.hide();
      return;
    }
    const now = Date.now();
    const parts: string[] = [];
    const tips: string[] = [];
    for (const [name, st] of this.states) {
      const list = (this.hits.get(name) ?? []).filter((t) => now - t < 60_000);
      this.hits.set(name, list);
      parts.push(`${name} ${list.length}`);
      tips.push(`${name}: ${list.length} 502/504 in the last minute; ${st.state}${st.message ? ` (${st.message})` : ''}`);
    }
    const failed = [...this.states.values()].some((s) => s.state === 'failed');
    this.status.text = `${failed ? '$(error)' : '$(pulse)'} 502/504/min: ${parts.join(' · ') || 'starting'}`;
    this.status.tooltip = tips.join('\n') || 'nginx-doctor is tailing error logs';
    this.status.show();
  }
}
