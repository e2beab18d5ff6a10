// Opens a config line: the one way every feature (explain report, CodeLenses, tail view, server
// checklist, matchUrl) shows a place in the config, with the line highlighted for 4 s.
import * as vscode from 'vscode';

const highlight = vscode.window.createTextEditorDecorationType({ isWholeLine: true, backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground') });

export interface Place {
  file: string;
  /** 1-based. */
  line: number;
  /** A document that is not the file on disk (e.g. a read-only deployed copy); `file` is then its name. */
  uri?: vscode.Uri;
}

export function disposeHighlight(): void {
  highlight.dispose();
}

export async function openPlace(p: Place, viewColumn: vscode.ViewColumn = vscode.ViewColumn.One): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(p.uri ?? vscode.Uri.file(p.file));
  const line = Math.min(Math.max(0, p.line - 1), doc.lineCount - 1);
  const range = new vscode.Range(line, 0, line, doc.lineAt(line).text.length);
  const editor = await vscode.window.showTextDocument(doc, { viewColumn, selection: new vscode.Range(line, 0, line, 0) });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  editor.setDecorations(highlight, [range]);
  setTimeout(() => editor.setDecorations(highlight, []), 4000);
  return editor;
}

/** The column beside a panel: One, unless the panel is in One. */
export function besidePanel(panel: vscode.WebviewPanel | undefined): vscode.ViewColumn {
  return panel?.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
}
