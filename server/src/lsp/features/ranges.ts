// textDocument/foldingRange and textDocument/selectionRange.
import { FoldingRangeKind, type FoldingRange, type FoldingRangeParams, type SelectionRange, type SelectionRangeParams } from 'vscode-languageserver/node';
import { foldingRanges, selectionRanges } from '../../core/index';
import type { Workspace } from '../workspace';
import { fileView } from './view';

export function folding(ws: Workspace, params: FoldingRangeParams): FoldingRange[] {
  const view = fileView(ws, params.textDocument.uri);
  if (!view) return [];
  return foldingRanges(view.file).map((f) => {
    const r: FoldingRange = { startLine: f.startLine, endLine: f.endLine };
    if (f.kind === 'comment') r.kind = FoldingRangeKind.Comment;
    return r;
  });
}

export function selection(ws: Workspace, params: SelectionRangeParams): SelectionRange[] {
  const view = fileView(ws, params.textDocument.uri);
  if (!view) return [];
  const lines = view.file.source.lines;
  return params.positions.map((p) => {
    const chain = selectionRanges(view.file, lines.offsetAt(p));
    let parent: SelectionRange | undefined;
    for (let i = chain.length - 1; i >= 0; i--) {
      const r = chain[i]!;
      const range = { start: lines.positionAt(r.start), end: lines.positionAt(r.end) };
      parent = parent ? { range, parent } : { range };
    }
    return parent ?? { range: { start: p, end: p } };
  });
}
