// "Nginx: Explain this 502" (the selection, the line under the cursor, a line from the tail
// view, or the log lines of a doctor report row -> a report beside the editor), "Nginx: Which location handles this URL?" and CodeLenses
// on the 502/504 lines of log files. The language server does the linking (nginxDoctor/explainLines,
// nginxDoctor/matchUrl); this file only asks and shows.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  EXPLAIN_LINES, MATCH_URL, type ConfigPlace, type ExplainedLine, type ExplainLinesParams, type ExplainLinesResult, type MatchUrlResult,
  type ExplainQuickFix,
} from '../../../server/src/protocol/protocol';
import { groupKey, reportHtml, type ReportGroup, type ReportModel, type Targets } from './html';

export const EXPLAIN_COMMAND = 'nginxDoctor.explain502';
export const MATCH_COMMAND = 'nginxDoctor.matchUrl';
const OPEN_COMMAND = 'nginxDoctor.openConfigPlace';
/** Failure lines per log file that get a CodeLens. */
const MAX_LENSES = 500;
/** Physical lines of a log file scanned for lenses. */
const MAX_SCAN = 200_000;
const PROBE_TIMEOUT_MS = 3000;

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

const highlight = vscode.window.createTextEditorDecorationType({ isWholeLine: true, backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground') });

export async function openPlace(p: ConfigPlace, viewColumn: vscode.ViewColumn = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(p.file));
  const line = Math.min(Math.max(0, p.line - 1), doc.lineCount - 1);
  const range = new vscode.Range(line, 0, line, doc.lineAt(line).text.length);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn, selection: new vscode.Range(line, 0, line, 0) });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  editor.setDecorations(highlight, [range]);
  setTimeout(() => editor.setDecorations(highlight, []), 4000);
  return editor;
}

/** host:port / [v6]:port / unix:/path from an upstream `server` or *_pass address. */
export function probeTarget(address: string): { path: string } | { host: string; port: number } | null {
  let a = address.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '');
  if (/^unix:/i.test(address.replace(/^[a-z]+:\/\//i, ''))) return { path: address.replace(/^[a-z]+:\/\//i, '').slice(5).replace(/:$/, '') };
  if (!a || a.includes('$')) return null;
  const secure = /^(https|grpcs):\/\//i.test(address);
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(a);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : secure ? 443 : 80 };
  const m = /^([^:]+)(?::(\d+))?$/.exec(a);
  if (!m) return null;
  a = m[1]!;
  return { host: a, port: m[2] ? Number(m[2]) : secure ? 443 : 80 };
}

export function probe(address: string): Promise<{ ok: boolean; text: string }> {
  const t = probeTarget(address);
  if (!t) return Promise.resolve({ ok: false, text: 'not an address that can be probed' });
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = 'path' in t ? createConnection({ path: t.path }) : createConnection({ host: t.host, port: t.port });
    const done = (ok: boolean, text: string): void => {
      sock.destroy();
      resolve({ ok, text });
    };
    sock.setTimeout(PROBE_TIMEOUT_MS, () => done(false, `no answer within ${PROBE_TIMEOUT_MS / 1000}s (timeout: a firewall drops packets, or the host is down)`));
    sock.once('connect', () => done(true, `connected in ${Date.now() - started} ms: something listens there`));
    sock.once('error', (e: NodeJS.ErrnoException) => done(false, `${e.code ?? 'error'}: ${e.message}`));
  });
}

export function registerExplain(_context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): vscode.Disposable {
  let panel: vscode.WebviewPanel | undefined;
  let targets: Targets = { places: [], addresses: [], fixes: [] };

  const ask = async <R>(method: string, params: unknown): Promise<R | undefined> => {
    const c = getClient();
    if (!c || !c.isRunning()) {
      void vscode.window.showErrorMessage('nginx-doctor: the language server is not running.');
      return undefined;
    }
    return c.sendRequest<R>(method, params);
  };

  const show = (m: ReportModel): void => {
    if (!panel) {
      panel = vscode.window.createWebviewPanel('nginxDoctor.explain', 'Nginx: Explain', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
        enableScripts: true,
        localResourceRoots: [],
      });
      panel.onDidDispose(() => (panel = undefined));
      panel.webview.onDidReceiveMessage(async (msg: { type?: string; id?: number }) => {
        const id = typeof msg.id === 'number' ? msg.id : -1;
        if (msg.type === 'open' && targets.places[id]) await openPlace(targets.places[id]!);
        if (msg.type === 'apply' && targets.fixes[id]) await applyQuickFix(targets.fixes[id]!);
        if (msg.type === 'probe' && targets.addresses[id] !== undefined) {
          if (!vscode.workspace.isTrusted) return;
          const r = await probe(targets.addresses[id]!);
          void panel?.webview.postMessage({ type: 'probed', id, ...r });
        }
      });
    }
    panel.title = m.title;
    targets = { places: [], addresses: [], fixes: [] };
    panel.webview.html = reportHtml(randomBytes(16).toString('base64'), panel.webview.cspSource, m, targets);
    panel.reveal(vscode.ViewColumn.Beside, false);
  };

  const explain = async (arg?: unknown): Promise<void> => {
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
    const params: ExplainLinesParams = { lines, failuresOnly: lines.length > 1 };
    const r = await ask<ExplainLinesResult>(EXPLAIN_LINES, params);
    if (!r) return;
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
    show({ title, root: r.root, groups: list, skipped: lines.length - r.explanations.length, trusted: vscode.workspace.isTrusted, ...(r.error ? { error: r.error } : {}), ...(given ? { given } : {}) });
  };

  const matchUrl = async (arg?: unknown): Promise<void> => {
    const url = typeof arg === 'string' ? arg : await vscode.window.showInputBox({
      title: 'Nginx: Which location handles this URL?',
      prompt: 'A URL as a client sends it (its host is the Host header, its port picks the listen)',
      placeHolder: 'http://example.com/api/users?id=1',
      validateInput: (v) => (/^(https?:\/\/)?[^\s/]+/i.test(v.trim()) ? undefined : 'an http(s) URL, e.g. http://example.com/path'),
    });
    if (!url) return;
    const r = await ask<MatchUrlResult>(MATCH_URL, { url: url.trim() });
    if (!r) return;
    if (r.error) {
      void vscode.window.showErrorMessage(`nginx-doctor: ${r.error}`);
      return;
    }
    const why = r.reason.length ? r.reason[r.reason.length - 1] : '';
    if (r.location) {
      await openPlace(r.location);
      const loc = `location ${r.location.modifier ? `${r.location.modifier} ` : ''}${r.location.pattern}`;
      const more = await vscode.window.showInformationMessage(`${r.url} → ${loc} in server ${r.server?.name || '""'} (${vscode.workspace.asRelativePath(r.location.file)}:${r.location.line})${r.status ? `, answers ${r.status}` : ''}. ${why}`, 'Why?');
      if (more) void vscode.window.showInformationMessage(r.reason.join(' → '), { modal: true });
    } else if (r.server) {
      await openPlace(r.server);
      void vscode.window.showInformationMessage(`${r.url} → server ${r.server.name || '""'}, no location (server level). ${why}`);
    } else void vscode.window.showWarningMessage(`${r.url}: no server block takes it. ${why}`);
  };

  const lenses: vscode.CodeLensProvider = {
    async provideCodeLenses(doc, token) {
      const c = getClient();
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
          title: `${x.status} ${x.cause.title} → ${what}${p ? ` (${vscode.workspace.asRelativePath(p.file)}:${p.line})` : ''}`,
          command: p ? OPEN_COMMAND : EXPLAIN_COMMAND,
          arguments: p ? [{ file: p.file, line: p.line }] : [{ logLine: x.logLine }],
        }));
        out.push(new vscode.CodeLens(range, { title: 'Explain', command: EXPLAIN_COMMAND, arguments: [{ logLine: x.logLine }] }));
      }
      return out;
    },
  };

  return vscode.Disposable.from(
    highlight,
    vscode.commands.registerCommand(EXPLAIN_COMMAND, explain),
    vscode.commands.registerCommand(MATCH_COMMAND, matchUrl),
    vscode.commands.registerCommand(OPEN_COMMAND, (p: ConfigPlace) => openPlace(p)),
    vscode.languages.registerCodeLensProvider([{ language: 'log' }, { pattern: '**/*.log' }], lenses),
    { dispose: () => panel?.dispose() },
  );
}

/** Applies a quick fix from the report with the same edits the lightbulb would make. */
async function applyQuickFix(fix: ExplainQuickFix): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) {
    const r = e.range;
    edit.replace(vscode.Uri.parse(e.uri), new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character), e.newText);
  }
  const ok = await vscode.workspace.applyEdit(edit);
  if (!ok) void vscode.window.showErrorMessage(`nginx-doctor: could not apply "${fix.title}".`);
  else void vscode.window.showInformationMessage(`nginx-doctor: applied "${fix.title}" (not saved yet).`);
}
