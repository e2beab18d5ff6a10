// Go to definition, find references, include document links and renaming upstreams and named
// locations, across the include graphs the document belongs to.
import {
  ResponseError, ErrorCodes,
  type DefinitionParams, type DocumentLink, type DocumentLinkParams, type Location, type PrepareRenameParams,
  type Range, type ReferenceParams, type RenameParams, type TextEdit, type WorkspaceEdit,
} from 'vscode-languageserver/node';
import { relative, dirname } from 'node:path';
import {
  dedupeSpans, definitions, includeTargets, includesOf, isValidUpstreamName, references, symbolAt,
  type Span, type SymbolAt,
} from '../../core/index';
import type { Workspace } from '../workspace';
import { fileIn, fileView, type FileView } from './view';

const ZERO: Range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };

function toLocation(view: FileView, s: Span, uriOf: (p: string) => string): Location {
  const f = fileIn(view, s.file);
  const range = f ? { start: f.source.lines.positionAt(s.start), end: f.source.lines.positionAt(s.end) } : ZERO;
  return { uri: uriOf(s.file), range };
}

function at(ws: Workspace, uri: string, position: { line: number; character: number }): { view: FileView; sym: SymbolAt } | null {
  const view = fileView(ws, uri);
  if (!view) return null;
  const sym = symbolAt(view.file, view.file.source.lines.offsetAt(position));
  return sym ? { view, sym } : null;
}

function includeFiles(view: FileView, value: string, ws: Workspace): string[] {
  const out = new Set<string>();
  for (const u of view.units.length ? view.units : [{ confDir: view.confDir }]) for (const f of includeTargets(value, u.confDir, ws.host)) out.add(f);
  return [...out];
}

export function definition(ws: Workspace, params: DefinitionParams, uriOf: (p: string) => string): Location[] {
  const hit = at(ws, params.textDocument.uri, params.position);
  if (!hit) return [];
  const { view, sym } = hit;
  if (sym.kind === 'include') return includeFiles(view, sym.name, ws).map((f) => ({ uri: uriOf(f), range: ZERO }));
  const spans = dedupeSpans(view.units.flatMap((u) => definitions(u.set, u.model, sym)));
  return spans.map((s) => toLocation(view, s, uriOf));
}

export function findReferences(ws: Workspace, params: ReferenceParams, uriOf: (p: string) => string): Location[] {
  const hit = at(ws, params.textDocument.uri, params.position);
  if (!hit || hit.sym.kind === 'include') return [];
  const { view, sym } = hit;
  const spans = dedupeSpans(view.units.flatMap((u) => references(u.set, u.model, sym, params.context.includeDeclaration)));
  return spans.map((s) => toLocation(view, s, uriOf));
}

/**
 * A link per include argument. An LSP document link has a single target and the editor cannot
 * offer a choice, so a glob links to its first match (the file nginx reads first) and the tooltip
 * lists every match; Go to Definition on the same argument returns all of them.
 */
export function documentLinks(ws: Workspace, params: DocumentLinkParams, uriOf: (p: string) => string): DocumentLink[] {
  const view = fileView(ws, params.textDocument.uri);
  if (!view) return [];
  const lines = view.file.source.lines;
  const out: DocumentLink[] = [];
  for (const { arg } of includesOf(view.file)) {
    const files = includeFiles(view, arg.value, ws);
    if (!files.length) continue;
    const q = arg.quote ? 1 : 0;
    const range = { start: lines.positionAt(arg.start + q), end: lines.positionAt(arg.end - q) };
    const rel = (f: string): string => relative(dirname(view.path), f) || f;
    const tooltip = files.length === 1
      ? `Open ${rel(files[0]!)}`
      : `${files.length} files match (nginx reads them in this order): ${files.slice(0, 10).map(rel).join(', ')}${files.length > 10 ? ', …' : ''}. Opens the first; Go to Definition lists all.`;
    out.push({ range, target: uriOf(files[0]!), tooltip });
  }
  return out;
}

function renameable(view: FileView, sym: SymbolAt): boolean {
  if (sym.kind === 'upstream') return view.units.some((u) => u.model.upstreams.has(sym.name));
  if (sym.kind === 'named-location') return view.units.some((u) => definitions(u.set, u.model, sym).length > 0);
  return false;
}

const CANNOT = 'Only upstream names and named locations (@name) can be renamed.';

export function prepareRename(ws: Workspace, params: PrepareRenameParams): { range: Range; placeholder: string } | null {
  const hit = at(ws, params.textDocument.uri, params.position);
  if (!hit || !renameable(hit.view, hit.sym)) throw new ResponseError(ErrorCodes.InvalidRequest, CANNOT);
  const lines = hit.view.file.source.lines;
  return { range: { start: lines.positionAt(hit.sym.span.start), end: lines.positionAt(hit.sym.span.end) }, placeholder: hit.sym.name };
}

export function rename(ws: Workspace, params: RenameParams, uriOf: (p: string) => string): WorkspaceEdit {
  const hit = at(ws, params.textDocument.uri, params.position);
  if (!hit || !renameable(hit.view, hit.sym)) throw new ResponseError(ErrorCodes.InvalidRequest, CANNOT);
  const { view, sym } = hit;
  const newName = params.newName.trim();
  if (sym.kind === 'upstream') {
    if (!isValidUpstreamName(newName)) throw new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is not a valid upstream name (letters, digits, ".", "-", "_").`);
    if (newName !== sym.name && view.units.some((u) => u.model.upstreams.has(newName))) throw new ResponseError(ErrorCodes.InvalidParams, `An upstream named "${newName}" already exists.`);
  } else if (!/^@[^\s;{}"'$]+$/.test(newName)) {
    throw new ResponseError(ErrorCodes.InvalidParams, `"${newName}" is not a valid named location: it starts with "@" and has no spaces.`);
  }
  const spans = dedupeSpans(view.units.flatMap((u) => references(u.set, u.model, sym, true)));
  const changes: Record<string, TextEdit[]> = {};
  for (const s of spans) {
    const loc = toLocation(view, s, uriOf);
    (changes[loc.uri] ??= []).push({ range: loc.range, newText: newName });
  }
  return { changes };
}
