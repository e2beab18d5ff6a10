// "Nginx: Explain this 502" (the selection, the line under the cursor, a line from the tail
// view, or the log lines of a doctor report row -> a report beside the editor), "Nginx: Which location handles this URL?" and CodeLenses
// on the 502/504 lines of log files. The language server does the linking (nginxDoctor/explainLines,
// nginxDoctor/matchUrl) and probes backends (nginxDoctor/probeBackend); this file only asks and shows.
import * as vscode from 'vscode';
import {
  EXPLAIN_LINES, MATCH_URL, PROBE_BACKEND, type ConfigPlace, type ProbeBackendParams, type ProbeBackendResult, type ExplainedLine, type ExplainLinesParams, type ExplainLinesResult, type MatchUrlResult,
  type ExplainQuickFix, LANGUAGE_ID,
} from '../../../server/src/protocol/protocol';
import { explainMessage, type ExplainToPage } from '../../webview/messages';
import { COMMANDS } from '../constants';
import type { Ctx } from '../ctx';
import { besidePanel, openPlace } from '../open-place';
import { groupKey, reportPage, type ReportGroup, type ReportModel, type Targets } from './html';

/** Failure lines per log file that get a CodeLens. */
const MAX_LENSES = 500;
/** Physical lines of a log file scanned for lenses. */
const MAX_SCAN = 200_000;

/** What the tail view passes. */
interface TailArg {
  logLine: string;
  source?: string;
  location?: ConfigPlace;
}

/** What the doctor report passes: the error-log lines behind one of its rows. */
interface LinesArg {
  logLines: string[];
}

function linesArg(arg: unknown): string[] | undefined {
  if (!arg || typeof arg !== 'object' || !Array.isArray((arg as LinesArg).logLines)) return undefined;
  const lines = (arg as LinesArg).logLines.filter((l): l is string => typeof l === 'string').slice(0, 5000);
  return lines.length ? lines : undefined;
}

/** What a report was made from, to make it again against the config as it is now. */
interface ReportRequest {
  lines: string[];
  /** The line numbers shown for them. */
  numbers: number[];
  given?: ConfigPlace;
}

/** After an edit of an nginx file, the open report is made again this long after the last keystroke. */
const REFRESH_DELAY_MS = 700;

/**
 * The explain report (one panel, reused and revealed where it is), matchUrl and the CodeLenses
 * of log files. The report stays true to the config: after Apply, the edited file is shown at the
 * change and the report is made again; after any edit of an nginx file the report is made again
 * (when it is visible; else when it is shown next), saying so at its top.
 */
export class ExplainFeature {
  private panel: vscode.WebviewPanel | undefined;
  private targets: Targets = { places: [], addresses: [], fixes: [] };
  private request: ReportRequest | undefined;
  private stale = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: Ctx) {
    ctx.pushCleanup(
      vscode.languages.registerCodeLensProvider([{ language: 'log' }, { pattern: '**/*.log' }], { provideCodeLenses: (doc, token) => this.lenses(doc, token) }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === LANGUAGE_ID && e.contentChanges.length) this.configChanged();
      }),
      vscode.workspace.onDidSaveTextDocument((d) => {
        if (d.languageId === LANGUAGE_ID) this.configChanged();
      }),
      { dispose: () => this.panel?.dispose() },
      { dispose: () => clearTimeout(this.timer) },
    );
  }

  private show(m: ReportModel): void {
    if (!this.panel) {
      const panel = this.ctx.createPanel('explain', 'Nginx: Explain', { preserveFocus: false });
      panel.onDidDispose(() => {
        if (this.panel === panel) this.panel = undefined;
      });
      panel.onDidChangeViewState(() => {
        if (panel.visible && this.stale) void this.refresh('The config changed since this report was made: it was made again against the config as it is now (the log lines are from before).');
      });
      panel.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw));
      this.panel = panel;
    }
    this.panel.title = m.title;
    this.targets = { places: [], addresses: [], fixes: [] };
    this.panel.webview.html = this.ctx.pageHtml(this.panel, 'explain', reportPage(m, this.targets));
    this.ctx.revealPanel(this.panel, !!m.refreshed);
  }

  /** An nginx file changed: make the open report again (soon, or when it is next shown). */
  private configChanged(): void {
    if (!this.panel || !this.request) return;
    this.stale = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.panel?.visible && this.stale) void this.refresh('The config changed since this report was made: it was made again against the config as it is now (the log lines are from before).');
    }, REFRESH_DELAY_MS);
  }

  private async refresh(note: string): Promise<void> {
    if (!this.request) return;
    this.stale = false;
    clearTimeout(this.timer);
    await this.report(this.request, note);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const msg = explainMessage(raw);
    if (!msg) return;
    const t = this.targets;
    if (msg.type === 'open' && t.places[msg.id]) await openPlace(t.places[msg.id]!, besidePanel(this.panel));
    if (msg.type === 'apply' && t.fixes[msg.id]) {
      const fix = t.fixes[msg.id]!;
      if (await this.apply(fix)) await this.refresh(`Applied "${fix.title}" (not saved yet). The report was made again against the edited config (the log lines are from before).`);
    }
    if (msg.type === 'probe' && t.addresses[msg.id] !== undefined) {
      if (!vscode.workspace.isTrusted) return;
      const r = await this.ctx.ask<ProbeBackendResult>(PROBE_BACKEND, { address: t.addresses[msg.id]! } satisfies ProbeBackendParams).catch((e: Error) => ({ ok: false, text: e.message }));
      if (!r) return;
      const reply: ExplainToPage = { type: 'probed', id: msg.id, ok: r.ok, text: r.text };
      void this.panel?.webview.postMessage(reply);
    }
  }

  /** Applies a quick fix from the report with the same edits the lightbulb would make, and shows the edited file at the change. */
  private async apply(fix: ExplainQuickFix): Promise<boolean> {
    const edit = new vscode.WorkspaceEdit();
    for (const e of fix.edits) {
      const r = e.range;
      edit.replace(vscode.Uri.parse(e.uri), new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), e.newText);
    }
    if (!(await vscode.workspace.applyEdit(edit))) {
      void vscode.window.showErrorMessage(`nginx-doctor: could not apply "${fix.title}".`);
      return false;
    }
    const first = fix.edits[0];
    if (first) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(first.uri));
      const start = new vscode.Position(first.range.start.line, first.range.start.character);
      // the inserted or replaced text, as it stands now
      const end = doc.positionAt(doc.offsetAt(start) + first.newText.length);
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: besidePanel(this.panel), preserveFocus: true, selection: new vscode.Selection(start, end) });
      editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }
    return true;
  }

  /** The command: log lines (passed, or the editor's selection) -> the report. */
  async explain(arg?: unknown): Promise<void> {
    let lines: string[];
    let numbers: number[];
    let given: ConfigPlace | undefined;
    const tail = arg && typeof arg === 'object' && typeof (arg as TailArg).logLine === 'string' ? (arg as TailArg) : undefined;
    const passed = linesArg(arg);
    if (passed) {
      lines = passed;
      numbers = lines.map((_, i) => i + 1);
    } else if (tail) {
      lines = [tail.logLine];
      numbers = [1];
      if (tail.location && typeof tail.location.file === 'string' && typeof tail.location.line === 'number') given = tail.location;
    } else {
      const editor = vscode.window.activeTextEditor;
      if (!editor) {
        void vscode.window.showInformationMessage('Select log lines (or put the cursor on one) in an editor, then run "Nginx: Explain this 502".');
        return;
      }
      const doc = editor.document;
      const sels = editor.selections.filter((s) => !s.isEmpty);
      const picked = new Set<number>();
      if (sels.length) {
        for (const s of sels) for (let l = s.start.line; l <= (s.end.character === 0 && s.end.line > s.start.line ? s.end.line - 1 : s.end.line); l++) picked.add(l);
      } else picked.add(editor.selection.active.line);
      numbers = [...picked].sort((a, b) => a - b).slice(0, 5000);
      lines = numbers.map((l) => doc.lineAt(l).text);
      numbers = numbers.map((l) => l + 1);
    }
    this.stale = false;
    clearTimeout(this.timer);
    await this.report({ lines, numbers, ...(given ? { given } : {}) });
  }

  /** Asks the language server (which reads open buffers first) and shows the report. */
  private async report(req: ReportRequest, refreshed?: string): Promise<void> {
    const { lines, numbers, given } = req;
    const params: ExplainLinesParams = { lines, failuresOnly: lines.length > 1 };
    const r = await this.ctx.ask<ExplainLinesResult>(EXPLAIN_LINES, params);
    if (!r) return;
    this.request = req;
    const groups = new Map<string, ReportGroup>();
    for (const x of r.explanations) {
      const k = groupKey(x);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { sample: x, count: 0, lines: [] }));
      g.count++;
      g.lines.push(numbers[x.index] ?? x.index + 1);
    }
    const list = [...groups.values()].sort((a, b) => b.count - a.count);
    const one: ExplainedLine | undefined = list.length === 1 ? list[0]!.sample : undefined;
    const title = one ? `Nginx: ${one.status ?? ''} ${one.cause.title}`.replace(/\s+/g, ' ') : `Nginx: ${r.explanations.length} log line(s) explained`;
    this.show({ title, root: r.root, ...(r.root ? { rootLabel: vscode.workspace.asRelativePath(r.root) } : {}), groups: list, skipped: lines.length - r.explanations.length, trusted: vscode.workspace.isTrusted, ...(r.error ? { error: r.error } : {}), ...(given ? { given } : {}), ...(refreshed ? { refreshed } : {}) });
  }

  /** The command: which location handles a URL (asked for when not passed). */
  async matchUrl(arg?: unknown): Promise<void> {
    const url = typeof arg === 'string' ? arg : await vscode.window.showInputBox({
      title: 'Nginx: Which location handles this URL?',
      prompt: 'A URL as a client sends it (its host is the Host header, its port picks the listen)',
      placeHolder: 'http://example.com/api/users?id=1',
      validateInput: (v) => (/^(https?:\/\/)?[^\s/]+/i.test(v.trim()) ? undefined : 'an http(s) URL, e.g. http://example.com/path'),
    });
    if (!url) return;
    const r = await this.ctx.ask<MatchUrlResult>(MATCH_URL, { url: url.trim() });
    if (!r) return;
    if (r.error) {
      void vscode.window.showErrorMessage(`nginx-doctor: ${r.error}`);
      return;
    }
    const why = r.reason.length ? r.reason[r.reason.length - 1] : '';
    if (r.location) {
      await openPlace(r.location);
      const loc = `location ${r.location.modifier ? `${r.location.modifier} ` : ''}${r.location.pattern}`;
      // the last reason reads '"/api/x": longest prefix: location /api/ (file:line)': only its
      // kind of match is news here (the location and its place are said once, before it)
      const how = /^"[^"]*": ([^:]+): location /.exec(why)?.[1];
      const more = await vscode.window.showInformationMessage(`${r.url} → ${loc}${how ? ` (${how})` : ''} in server ${r.server?.name || '""'}, ${vscode.workspace.asRelativePath(r.location.file)}:${r.location.line}${r.status ? `; answers ${r.status}` : ''}.`, 'Why?');
      if (more) void vscode.window.showInformationMessage(r.reason.join(' → '), { modal: true });
    } else if (r.server) {
      await openPlace(r.server);
      void vscode.window.showInformationMessage(`${r.url} → server ${r.server.name || '""'}, no location (server level). ${why}`);
    } else void vscode.window.showWarningMessage(`${r.url}: no server block takes it. ${why}`);
  }

  /** A CodeLens on each 502/504 line of a log file: where it came from, and Explain. */
  private async lenses(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const c = this.ctx.client;
    if (!c || !c.isRunning()) return [];
    const idx: number[] = [];
    const n = Math.min(doc.lineCount, MAX_SCAN);
    for (let l = 0; l < n && idx.length < MAX_LENSES; l++) {
      const t = doc.lineAt(l).text;
      // cheap prefilter: error-log lines about an upstream, access-log lines with 502/504
      if ((/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[(error|crit|alert|emerg|warn)\]/.test(t) && /upstream|resolve|no live/i.test(t)) || /" (502|504|009) \d/.test(t)) idx.push(l);
    }
    if (!idx.length) return [];
    const r = await c.sendRequest<ExplainLinesResult>(EXPLAIN_LINES, { lines: idx.map((l) => doc.lineAt(l).text), failuresOnly: true } satisfies ExplainLinesParams, token);
    const out: vscode.CodeLens[] = [];
    for (const x of r.explanations) {
      if (x.status !== 502 && x.status !== 504) continue;
      const line = idx[x.index];
      if (line === undefined) continue;
      const range = new vscode.Range(line, 0, line, 0);
      const p = x.location ?? x.serverBlock;
      const what = x.location ? `location ${x.location.modifier ? `${x.location.modifier} ` : ''}${x.location.pattern}` : x.serverBlock ? `server ${x.serverBlock.name || '""'} (no single location)` : 'not linked to the config';
      out.push(new vscode.CodeLens(range, {
        title: `${x.status} ${x.cause.title} → ${what}${p ? ` (${vscode.workspace.asRelativePath(p.file)}:${p.line})` : ''}${x.confidence === 'exact' ? '' : ` [${x.confidence}]`}`,
        // the hover: what the confidence means, and why it is not exact
        tooltip: `${x.confidenceMeaning}${x.why ? `\n${x.why}` : ''}`,
        command: p ? COMMANDS.openConfigPlace : COMMANDS.explain502,
        arguments: p ? [{ file: p.file, line: p.line }] : [{ logLine: x.logLine }],
      }));
      out.push(new vscode.CodeLens(range, { title: 'Explain', command: COMMANDS.explain502, arguments: [{ logLine: x.logLine }] }));
    }
    return out;
  }
}
