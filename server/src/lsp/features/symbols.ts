// textDocument/documentSymbol (the outline) and workspace/symbol (across the include graphs of
// every root config of the workspace, plus the units of open documents).
import {
  SymbolKind, type DocumentSymbol, type DocumentSymbolParams, type SymbolInformation, type WorkspaceSymbolParams,
} from 'vscode-languageserver/node';
import { documentSymbols, setSymbols, type OutlineEntry, type OutlineKind, type ParsedFile } from '../../core/index';
import type { Unit, Workspace } from '../workspace';
import { fileView, unitView } from './view';
import type { ClientFeatures } from './index';

const KIND: Record<OutlineKind, SymbolKind> = {
  namespace: SymbolKind.Namespace,
  server: SymbolKind.Class,
  location: SymbolKind.Method,
  'named-location': SymbolKind.Function,
  upstream: SymbolKind.Interface,
  variable: SymbolKind.Variable,
  condition: SymbolKind.Boolean,
  block: SymbolKind.Object,
  lua: SymbolKind.Module,
};

const MAX_WORKSPACE_SYMBOLS = 1000;

export function outline(ws: Workspace, params: DocumentSymbolParams, client: ClientFeatures): DocumentSymbol[] | SymbolInformation[] {
  const view = fileView(ws, params.textDocument.uri);
  if (!view) return [];
  const lines = view.file.source.lines;
  const range = (s: number, e: number) => ({ start: lines.positionAt(s), end: lines.positionAt(e) });
  const entries = documentSymbols(view.file);
  if (client.hierarchicalSymbols) {
    const convert = (e: OutlineEntry): DocumentSymbol => ({
      name: e.name,
      detail: e.detail,
      kind: KIND[e.kind],
      range: range(e.start, e.end),
      selectionRange: range(e.selStart, e.selEnd),
      children: e.children.map(convert),
    });
    return entries.map(convert);
  }
  const flat: SymbolInformation[] = [];
  const visit = (list: OutlineEntry[], container?: string): void => {
    for (const e of list) {
      const s: SymbolInformation = { name: e.name, kind: KIND[e.kind], location: { uri: params.textDocument.uri, range: range(e.start, e.end) } };
      if (container) s.containerName = container;
      flat.push(s);
      visit(e.children, e.name);
    }
  };
  visit(entries);
  return flat;
}

export function workspaceSymbols(ws: Workspace, params: WorkspaceSymbolParams, uriOf: (path: string) => string): SymbolInformation[] {
  const units = new Set<Unit>();
  for (const root of ws.rootConfigs()) for (const u of ws.unitsFor(root)) units.add(u);
  for (const u of ws.activeUnits()) units.add(u);
  const out: SymbolInformation[] = [];
  const seen = new Set<string>();
  for (const unit of units) {
    const view = unitView(ws, unit);
    for (const s of setSymbols(view.set, params.query)) {
      const key = `${s.file}\0${s.start}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const file: ParsedFile = view.set.files.get(s.file)!;
      const lines = file.source.lines;
      const info: SymbolInformation = { name: s.name, kind: KIND[s.kind], location: { uri: uriOf(s.file), range: { start: lines.positionAt(s.start), end: lines.positionAt(s.end) } } };
      if (s.container) info.containerName = s.container;
      out.push(info);
      if (out.length >= MAX_WORKSPACE_SYMBOLS) return out;
    }
  }
  return out;
}
