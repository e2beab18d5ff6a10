// Code actions: each diagnostic's fixes as quick fixes, a "disable for this line" action, and
// "Fix all nginx-doctor problems in this file" as a source action (also usable on save), and in
// the Ctrl+. menu on a fixable problem when more than one fix would be made (as ESLint does).
import { CodeActionKind, CodeActionTriggerKind, type CodeAction, type CodeActionParams, type TextEdit as LspEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import { fixAll, fixAllowed, type Diagnostic, type Fix, type ParsedFile } from '../core/index';
import type { Workspace } from './workspace';
import { toLspDiagnostic, toRange, uriToPath } from './convert';
import { FIX_ALL_KIND } from '../protocol/protocol';

export { FIX_ALL_KIND };

export function codeActions(ws: Workspace, params: CodeActionParams, uriOf: (path: string) => string): CodeAction[] {
  const path = uriToPath(params.textDocument.uri);
  const units = ws.unitsContaining(path).filter((u) => u.analysis);
  const only = params.context.only;
  const out: CodeAction[] = [];
  const wantsQuickFix = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k) || k.startsWith(CodeActionKind.QuickFix));
  // Fix all re-analyses in rounds: only when the client asks for source actions (menu, on save),
  // never for the code-action requests an editor sends as the cursor moves.
  const wantsFixAll = !!only?.some((k) => FIX_ALL_KIND.startsWith(k));
  const seen = new Set<string>();
  let fixable = false;
  for (const unit of units) {
    const a = unit.analysis!;
    const file = a.set.files.get(path);
    if (!file) continue;
    const start = file.source.lines.offsetAt(params.range.start);
    const end = file.source.lines.offsetAt(params.range.end);
    if (!wantsQuickFix) continue;
    for (const d of a.diagnostics) {
      if (d.file !== path || d.end < start || d.start > end) continue;
      const key = `${d.start}:${d.end}:${d.code}:${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const lsp = toLspDiagnostic(d, a.set.files, uriOf);
      // a fix that would edit where nginx reads no directives, or broken text, is not offered
      for (const fix of d.fixes ?? []) {
        if (!fixAllowed(a.set, fix)) continue;
        out.push(quickFix(fix, lsp, a.set.files, uriOf));
        fixable = true;
      }
      out.push(disableAction(d, file, lsp, uriOf));
    }
  }
  if (wantsFixAll && units[0]) {
    const action = fixAllAction(ws, units[0].path, units[0].kind, path, uriOf);
    if (action) out.push(action.action);
  } else if (wantsQuickFix && params.context.triggerKind === CodeActionTriggerKind.Invoked && units[0] && fixable) {
    // Ctrl+. (asked for, not the lightbulb following the cursor) on a fixable problem: Fix all too,
    // when it would do more than the fix beside it
    const action = fixAllAction(ws, units[0].path, units[0].kind, path, uriOf);
    if (action && action.fixes > 1) out.push({ ...action.action, kind: CodeActionKind.QuickFix });
  }
  return out;
}

function quickFix(fix: Fix, lsp: ReturnType<typeof toLspDiagnostic>, files: Map<string, ParsedFile>, uriOf: (p: string) => string): CodeAction {
  const changes: Record<string, LspEdit[]> = {};
  for (const e of fix.edits) {
    (changes[uriOf(e.file)] ??= []).push({ range: toRange(files.get(e.file), e.start, e.end), newText: e.newText });
  }
  return { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [lsp], isPreferred: fix.isPreferred ?? false, edit: { changes } };
}

function disableAction(d: Diagnostic, file: ParsedFile, lsp: ReturnType<typeof toLspDiagnostic>, uriOf: (p: string) => string): CodeAction {
  const line = file.source.lines.positionAt(d.start).line;
  const indent = /^[ \t]*/.exec(file.source.lines.lineText(line))![0];
  const eol = file.source.text.includes('\r\n') ? '\r\n' : '\n';
  const at = { line, character: 0 };
  const edit: WorkspaceEdit = {
    changes: { [uriOf(d.file)]: [{ range: { start: at, end: at }, newText: `${indent}# nginx-doctor: disable-next-line ${d.code} -- why this is fine${eol}` }] },
  };
  return { title: `Disable ${d.code} for this line`, kind: CodeActionKind.QuickFix, diagnostics: [lsp], edit };
}

function fixAllAction(ws: Workspace, rootPath: string, kind: 'root' | 'snippet', path: string, uriOf: (p: string) => string): { action: CodeAction; fixes: number } | null {
  const opts = ws.analyzeOptions(kind === 'snippet' ? path : rootPath, kind);
  const result = fixAll(kind === 'snippet' ? path : rootPath, opts, path);
  const text = result.changed.get(path);
  if (text === undefined) return null;
  const old = ws.host.readFile(path) ?? '';
  const lines = old.split(/\r\n|\r|\n/);
  const end = { line: lines.length - 1, character: lines[lines.length - 1]!.length };
  return {
    fixes: result.applied,
    action: {
      title: `Fix all nginx-doctor problems in this file (${result.applied})`,
      kind: FIX_ALL_KIND,
      edit: { changes: { [uriOf(path)]: [{ range: { start: { line: 0, character: 0 }, end }, newText: text }] } },
    },
  };
}
