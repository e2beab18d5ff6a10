// textDocument/formatting and rangeFormatting: white-space edits from the core formatter, none
// when the file has syntax problems (the user is told once per document why nothing happened).
import type { DocumentFormattingParams, DocumentRangeFormattingParams, TextEdit, Connection } from 'vscode-languageserver/node';
import { formatText } from '../../core/index';
import type { Workspace } from '../workspace';
import { fileView } from './view';
import { uriToPath } from '../convert';
import { HUGE_DOCUMENT_CHARS, sizeText } from '../huge';

const told = new Set<string>();

export function format(ws: Workspace, params: DocumentFormattingParams | DocumentRangeFormattingParams, connection: Connection): TextEdit[] {
  const chars = ws.huge.get(uriToPath(params.textDocument.uri));
  if (chars !== undefined) {
    // a 50 MB file took 33 s and 1.3 million edits: refused, and said so once
    if (!told.has(params.textDocument.uri)) {
      told.add(params.textDocument.uri);
      void connection.window.showInformationMessage(`nginx-doctor: not formatting this file: it is ${sizeText(chars)}, and files above ${sizeText(HUGE_DOCUMENT_CHARS)} are not formatted.`);
    }
    return [];
  }
  const view = fileView(ws, params.textDocument.uri);
  if (!view) return [];
  const lines = view.file.source.lines;
  const range = 'range' in params ? { start: lines.offsetAt(params.range.start), end: lines.offsetAt(params.range.end) } : undefined;
  const r = formatText(view.text, { tabSize: params.options.tabSize, insertSpaces: params.options.insertSpaces }, range);
  if (r.refused) {
    connection.console.log(`${view.path}: ${r.refused}`);
    if (!told.has(params.textDocument.uri)) {
      told.add(params.textDocument.uri);
      void connection.window.showInformationMessage(`nginx-doctor: ${r.refused}. Fix it first; formatting never touches a file it cannot read exactly.`);
    }
    return [];
  }
  told.delete(params.textDocument.uri);
  return r.edits.map((e) => ({ range: { start: lines.positionAt(e.start), end: lines.positionAt(e.end) }, newText: e.newText }));
}
