// "Nginx: Check Server for 502 Causes": asks where to run (this machine, or an SSH host from
// nginxDoctor.logSources), runs `nginx-doctor doctor --format json` in a child process (run.ts)
// under a cancellable progress notification, and shows the checklist in a report panel (html.ts)
// that is reused on every run. Rows link to their config line, explain their error-log lines with
// the explain report, and open the quick fixes of their config line. Refused in Restricted Mode
// (the command table says so): the checks run programs and SSH.
import * as vscode from 'vscode';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { CONFIG_SECTION, LANGUAGE_ID, type DoctorCheck, type DoctorReport, type LogSourceSetting } from '../../../server/src/protocol/protocol';
import { checkServerMessage, type CheckServerToHost, type CheckServerToPage } from '../../webview/messages';
import { COMMANDS, STATE_KEYS } from '../constants';
import type { Ctx } from '../ctx';
import { besidePanel, openPlace } from '../open-place';
import { esc } from '../webview';
import { inWorkspace, workspaceRootConfig } from '../workspace-root';
import { canExplain, canQuickFix, counts, doctorPage } from './html';
import { SSH_DESTINATION, doctorArgs, hostDirName, runDoctorCli, type DoctorTarget } from './run';

/** The CLI's own deadline is 60 s per phase (two phases); this is the extension's hard stop. */
const RUN_LIMIT_MS = 180_000;

interface Shown {
  report: DoctorReport;
  target: DoctorTarget;
  /** The nginx master picked in the report (when several run). */
  pid?: number;
}

export class CheckServerFeature implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: Shown | undefined;
  private running = false;
  /** The page on screen (to add the "config changed" notice to), and the one that has it. */
  private page: ReturnType<typeof doctorPage> | undefined;
  private staleShown: ReturnType<typeof doctorPage> | undefined;
  private runs = 0;
  private readonly output: vscode.LogOutputChannel;

  constructor(private readonly ctx: Ctx) {
    this.output = ctx.output;
    ctx.pushCleanup(
      this,
      // the report stays true: after an edit of an nginx file it says it may be out of date
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === LANGUAGE_ID && e.contentChanges.length) this.configChanged();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.languageId === LANGUAGE_ID) this.configChanged();
      }),
    );
  }

  /** An nginx file changed: the report on screen says it may be out of date (once; "Run again" makes a new one). */
  private configChanged(): void {
    if (!this.panel || !this.page || this.running || this.staleShown === this.page) return;
    this.staleShown = this.page;
    this.render(this.panel, this.page, 'The config changed since this check ran, so its results may be out of date: save your changes, then Run again.');
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private post(m: CheckServerToPage): void {
    void this.panel?.webview.postMessage(m);
  }

  /** The command (the command table refuses it in Restricted Mode): pick a target, then run. */
  async run(): Promise<void> {
    if (this.running) {
      void vscode.window.showInformationMessage('nginx-doctor: a server check is already running.');
      return;
    }
    const target = await this.pickTarget();
    if (!target) return;
    await this.ctx.extension.workspaceState.update(STATE_KEYS.lastCheckServerTarget, target.key);
    await this.check(target);
  }

  // ----- where to run -----------------------------------------------------------------------------

  private targets(): DoctorTarget[] {
    const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION);
    const sources = cfg.get<LogSourceSetting[]>('logSources') ?? [];
    const list = Array.isArray(sources) ? sources : [];
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    // the error logs the checks read: the log sources' files on that machine (else the config's error_log)
    const logsOf = (host: string | undefined): string[] =>
      list.filter((s) => s && typeof s === 'object' && typeof s.path === 'string' && s.path && (host ? s.host === host : !s.host && s.command === undefined))
        .map((s) => (host ? s.path! : inWorkspace(s.path!, folder)));
    const localLogs = logsOf(undefined);
    const out: DoctorTarget[] = [{ key: 'local', label: 'This machine', sudo: false, ...(localLogs.length ? { errorLogs: localLogs } : {}) }];
    const seen = new Set<string>();
    for (const s of list) {
      if (!s || typeof s !== 'object' || typeof s.host !== 'string' || !s.host) continue;
      if (!SSH_DESTINATION.test(s.host)) {
        this.output.warn(`check server: ignoring the log source "${String(s.name)}": "${s.host}" is not an SSH destination`);
        continue;
      }
      if (seen.has(s.host)) continue;
      seen.add(s.host);
      out.push({
        key: `ssh:${s.host}`, label: `SSH ${s.host}`, host: s.host, sudo: s.sudo === true, errorLogs: logsOf(s.host),
        ...(typeof s.config === 'string' && s.config ? { config: s.config } : {}),
      });
    }
    return out;
  }

  private async pickTarget(): Promise<DoctorTarget | undefined> {
    const all = this.targets();
    const last = this.ctx.extension.workspaceState.get<string>(STATE_KEYS.lastCheckServerTarget);
    const lastIndex = all.findIndex((t) => t.key === last);
    if (lastIndex > 0) all.unshift(...all.splice(lastIndex, 1));
    type Item = vscode.QuickPickItem & { target?: DoctorTarget };
    const ssh = all.filter((t) => t.host);
    const items: Item[] = all.map((t) => ({
      label: t.label,
      description: [
        t.host ? `over SSH${t.sudo ? ', with sudo -n' : ''}` : 'runs the checks here',
        t.config === 'remote' ? 'deployed config' : t.config ? `config ${vscode.workspace.asRelativePath(t.config)}` : '',
        t.key === last ? 'last used' : '',
      ].filter(Boolean).join(' · '),
      target: t,
    }));
    if (ssh.length > 1) items.push({ label: 'Several hosts...', description: 'one checklist per host and a fleet summary' });
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Nginx: Check Server for 502 Causes',
      placeHolder: all.length > 1 ? 'Where should the checks run?' : 'Where should the checks run? (SSH hosts come from nginxDoctor.logSources)',
    });
    if (!pick || pick.target) return pick?.target;
    return this.pickHosts(ssh);
  }

  /** Several SSH hosts: a multi-select pick; one host chosen is a normal run. */
  private async pickHosts(ssh: DoctorTarget[]): Promise<DoctorTarget | undefined> {
    type Item = vscode.QuickPickItem & { target: DoctorTarget };
    const picked = await vscode.window.showQuickPick<Item>(ssh.map((t) => ({ label: t.label, description: t.sudo ? 'with sudo -n' : '', picked: true, target: t })), {
      title: 'Nginx: Check Server for 502 Causes — several hosts',
      placeHolder: 'The hosts to check (each with its own checklist; a summary says what differs between them)',
      canPickMany: true,
    });
    if (!picked?.length) return undefined;
    if (picked.length === 1) return picked[0]!.target;
    const hosts = picked.map((p) => p.target);
    return {
      key: `fleet:${hosts.map((h) => h.host).join(',')}`, label: `${hosts.length} hosts`, sudo: false,
      fleet: hosts.map((h) => ({ host: h.host!, sudo: h.sudo })),
    };
  }

  // ----- running ----------------------------------------------------------------------------------

  /** again: "Run again" (compare with the report on screen; request: also one GET per failing location). */
  private async check(target: DoctorTarget, again?: { previous: DoctorReport; request: boolean }, pid?: number): Promise<void> {
    if (this.running) return;
    this.running = true;
    this.post({ type: 'running' });
    try {
      const cfg = vscode.workspace.getConfiguration(CONFIG_SECTION);
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
      let config: string | undefined;
      if (target.config === 'remote') config = undefined;
      else if (target.config) config = inWorkspace(target.config, folder);
      else config = await workspaceRootConfig(cfg, folder);
      const saveConfigDir = join(this.ctx.extension.globalStorageUri.fsPath, 'deployed', target.fleet ? 'fleet' : hostDirName(target.host));
      if (!config) mkdirSync(saveConfigDir, { recursive: true });
      const nginx = target.host || target.fleet ? undefined : this.nginxPath(cfg);
      let compare: string | undefined;
      // several hosts: "Run again" runs again (--compare takes one host's report)
      if (again && !target.fleet) {
        // the previous report as the CLI wrote it (its rows and the host's clock then)
        const dir = join(this.ctx.extension.globalStorageUri.fsPath, 'doctor');
        mkdirSync(dir, { recursive: true });
        compare = join(dir, `previous-${hostDirName(target.host)}.json`);
        writeFileSync(compare, JSON.stringify(again.previous));
      }
      const args = doctorArgs({ cli: this.ctx.cli, target, ...(config ? { config } : {}), saveConfigDir, ...(nginx ? { nginx } : {}), ...(compare ? { compare } : {}), ...(again?.request ? { request: true } : {}), ...(pid !== undefined ? { pid } : {}), backends: cfg.get('backends') });
      this.output.info(`check server: ${args.slice(1).join(' ')}`);
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `nginx-doctor: checking ${target.fleet ? target.fleet.map((h) => h.host).join(', ') : target.host ?? 'this machine'} for 502 causes…`, cancellable: true },
        (_progress, token) => runDoctorCli({ args, ...(folder ? { cwd: folder } : {}), limitMs: RUN_LIMIT_MS, onCancel: (kill) => token.onCancellationRequested(kill) }),
      );
      if (outcome.kind === 'cancelled') {
        this.output.info('check server: cancelled');
        return;
      }
      if (outcome.kind === 'error') {
        this.output.error(`check server: ${outcome.message}`);
        void vscode.window.showErrorMessage(`nginx-doctor: ${outcome.message}`);
        return;
      }
      const n = counts(outcome.report);
      this.output.info(`check server: ${outcome.report.host}: ${n.fail} failed, ${n.warn} warning(s), ${n.pass} passed, ${n.skip} skipped`);
      await this.show({ report: outcome.report, target, ...(pid !== undefined ? { pid } : {}) }, config);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.output.error(`check server: ${message}`);
      void vscode.window.showErrorMessage(`nginx-doctor: the server check failed: ${message}`);
    } finally {
      this.running = false;
      this.post({ type: 'idle' });
    }
  }

  /** nginxDoctor.nginxPath when the user set it to an absolute path (a bare name is looked up on PATH by the CLI anyway). */
  private nginxPath(cfg: vscode.WorkspaceConfiguration): string | undefined {
    const i = cfg.inspect<string>('nginxPath');
    const set = i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue;
    return typeof set === 'string' && isAbsolute(set) ? set : undefined;
  }

  // ----- the report -------------------------------------------------------------------------------

  private async show(shown: Shown, config: string | undefined): Promise<void> {
    const fixable = await Promise.all(shown.report.checks.map((c) => (canQuickFix(c) ? hasQuickFixes(this.ctx, c.location!) : Promise.resolve(false))));
    if (!this.panel) {
      const panel = this.ctx.createPanel('checkServer', 'Nginx: 502 checklist', { preserveFocus: false });
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
      });
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        const m = checkServerMessage(raw);
        if (m) void this.onMessage(m);
      });
      this.panel = panel;
    }
    this.shown = shown;
    const r = shown.report;
    const places = r.checks.map((c) => (c.location ? `${vscode.workspace.asRelativePath(c.location.file, false)}:${c.location.line}` : null));
    const n = counts(r);
    this.panel.title = `Nginx: 502 checklist (${n.fail} failed)`;
    this.page = doctorPage({
      report: r,
      target: shown.target.fleet ? `over SSH on ${shown.target.fleet.length} hosts (${shown.target.fleet.map((h) => h.host).join(', ')})` : shown.target.host ? `over SSH (${shown.target.host}${shown.target.sudo ? ', sudo' : ''})` : 'on this machine',
      configNote: config ? `config ${vscode.workspace.asRelativePath(config, false)}` : 'the deployed config (nginx -T)',
      places,
      when: new Date().toLocaleTimeString(),
      run: ++this.runs,
      fixable,
      ...(shown.pid !== undefined ? { pid: shown.pid } : {}),
    });
    this.render(this.panel, this.page);
    this.ctx.revealPanel(this.panel, false);
  }

  private render(panel: vscode.WebviewPanel, page: ReturnType<typeof doctorPage>, stale?: string): void {
    panel.webview.html = this.ctx.pageHtml(panel, 'checkServer', stale
      ? { ...page, style: `${page.style}\n  #stale { border-left: 3px solid var(--vscode-editorWarning-foreground); padding: 4px 8px; background: var(--vscode-textBlockQuote-background); }`, body: `<p id="stale" role="status">${esc(stale)}</p>\n${page.body}` }
      : page);
  }

  /** Messages from the page: a row number, checked against the report on screen. */
  private async onMessage(m: CheckServerToHost): Promise<void> {
    if (m.type === 'rerun') {
      if (this.shown && vscode.workspace.isTrusted) await this.check(this.shown.target, { previous: this.shown.report, request: m.request }, this.shown.pid);
      else this.post({ type: 'idle' });
      return;
    }
    if (m.type === 'instance') {
      // only a master the report on screen lists (or every one again)
      const ok = m.pid === null || (this.shown?.report.instances ?? []).some((i) => i.pid === m.pid);
      if (this.shown && ok && vscode.workspace.isTrusted) await this.check(this.shown.target, undefined, m.pid ?? undefined);
      else this.post({ type: 'idle' });
      return;
    }
    const row: DoctorCheck | undefined = this.shown?.report.checks[m.id];
    if (!row) return;
    try {
      if (m.type === 'open' && row.location) await this.open(row.location);
      else if (m.type === 'explain' && canExplain(row)) await vscode.commands.executeCommand(COMMANDS.explain502, { logLines: row.logLines });
      else if (m.type === 'quickfix' && canQuickFix(row)) await this.quickFix(row.location!);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(`nginx-doctor: ${message}`);
    }
  }

  /** Opens a config line beside the report, cursor at its start. */
  private async open(p: { file: string; line: number }): Promise<vscode.TextEditor> {
    return openPlace(p, besidePanel(this.panel));
  }

  /** Opens the line and asks for its quick fixes, with the cursor on the first problem of that line. */
  private async quickFix(p: { file: string; line: number }): Promise<void> {
    const editor = await this.open(p);
    const line = Math.min(Math.max(0, p.line - 1), editor.document.lineCount - 1);
    const onLine = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.range.start.line <= line && d.range.end.line >= line);
    if (!onLine().length) {
      // just opened: give the language server a moment to publish (bounded)
      await new Promise<void>((resolve) => {
        const uri = editor.document.uri.toString();
        const sub = vscode.languages.onDidChangeDiagnostics((e) => {
          if (e.uris.some((u) => u.toString() === uri) && onLine().length) finish();
        });
        const timer = setTimeout(() => finish(), 3000);
        const finish = (): void => {
          clearTimeout(timer);
          sub.dispose();
          resolve();
        };
      });
    }
    const d = onLine()[0];
    const text = editor.document.lineAt(line).text;
    const pos = d && d.range.start.line === line ? d.range.start : new vscode.Position(line, Math.max(0, text.search(/\S/)));
    editor.selection = new vscode.Selection(pos, pos);
    await vscode.commands.executeCommand('editor.action.quickFix');
  }
}

/** The titles an LSP code action list holds (CodeAction or Command objects). */
interface LspAction {
  title?: unknown;
  kind?: unknown;
}

/**
 * Whether a config line has quick fixes other than "Disable RULE for this line", asked of the
 * language server directly (its answer comes from its analysis of the workspace: the file need not
 * be open). An error or no answer: no button.
 */
async function hasQuickFixes(ctx: Ctx, p: { file: string; line: number }): Promise<boolean> {
  try {
    const line = Math.max(0, p.line - 1);
    // the line's own end: past it the server's range would reach the next line's start
    const text = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === p.file)?.getText() ?? readFileSync(p.file, 'utf8');
    const length = (text.split('\n')[line] ?? '').replace(/\r$/, '').length;
    const actions = await ctx.ask<LspAction[] | null>('textDocument/codeAction', {
      textDocument: { uri: vscode.Uri.file(p.file).toString() },
      range: { start: { line, character: 0 }, end: { line, character: length } },
      context: { diagnostics: [], only: ['quickfix'] },
    });
    return (actions ?? []).some((a) => typeof a.title === 'string' && a.kind === 'quickfix' && !/^Disable \S+ for this line$/.test(a.title));
  } catch {
    return false;
  }
}
