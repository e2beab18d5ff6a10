// textDocument/hover.
import { MarkupKind, type Hover, type HoverParams } from 'vscode-languageserver/node';
import { hover as coreHover } from '../../core/index';
import type { Workspace } from '../workspace';
import { fileView } from './view';

export function hover(ws: Workspace, params: HoverParams): Hover | null {
  const view = fileView(ws, params.textDocument.uri);
  if (!view) return null;
  const lines = view.file.source.lines;
  const r = coreHover({
    file: view.file,
    offset: lines.offsetAt(params.position),
    topContext: view.top,
    catalog: view.catalog,
    version: view.version,
    units: view.units,
    host: ws.host,
    confDir: view.confDir,
  });
  if (!r) return null;
  return { contents: { kind: MarkupKind.Markdown, value: r.markdown }, range: { start: lines.positionAt(r.start), end: lines.positionAt(r.end) } };
}
