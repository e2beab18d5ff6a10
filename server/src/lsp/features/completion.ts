// textDocument/completion: the core's entries as LSP completion items.
import {
  CompletionItemKind, InsertTextFormat, MarkupKind,
  type CompletionItem, type CompletionList, type CompletionParams,
} from 'vscode-languageserver/node';
import { complete, defaultCatalog, directiveMarkdown, parseVersion, type BlockKind, type CompletionKind } from '../../core/index';
import type { Workspace } from '../workspace';
import { fileView } from './view';
import type { ClientFeatures } from './index';

const KIND: Record<CompletionKind, CompletionItemKind> = {
  directive: CompletionItemKind.Property,
  block: CompletionItemKind.Struct,
  value: CompletionItemKind.EnumMember,
  variable: CompletionItemKind.Variable,
  upstream: CompletionItemKind.Reference,
  location: CompletionItemKind.Reference,
  file: CompletionItemKind.File,
  folder: CompletionItemKind.Folder,
  keyword: CompletionItemKind.Keyword,
};

export function completion(ws: Workspace, params: CompletionParams, client: ClientFeatures): CompletionList {
  const view = fileView(ws, params.textDocument.uri);
  if (!view) return { isIncomplete: false, items: [] };
  const lines = view.file.source.lines;
  const offset = lines.offsetAt(params.position);
  // "{" asks for variables only ("${"), not for directives after a block's opening brace.
  if (params.context?.triggerCharacter === '{' && view.text[offset - 2] !== '$') return { isIncomplete: false, items: [] };
  let entries = complete({
    file: view.file,
    offset,
    topContext: view.top,
    catalog: view.catalog,
    version: view.version,
    snippets: client.snippets,
    models: view.units.map((u) => u.model),
    host: ws.host,
    confDir: view.confDir,
    lazyDocs: true,
  });
  // A space only asks for argument values (on/off, enums, schemes), not for directives.
  if (params.context?.triggerCharacter === ' ') entries = entries.filter((e) => e.kind === 'value' || e.kind === 'keyword');
  const items = entries.map((e): CompletionItem => {
    const range = { start: lines.positionAt(e.start), end: lines.positionAt(e.end) };
    const item: CompletionItem = {
      label: e.label,
      kind: KIND[e.kind],
      textEdit: { range, newText: e.insertText ?? e.label },
    };
    if (e.detail) item.detail = e.detail;
    if (e.documentation) item.documentation = { kind: MarkupKind.Markdown, value: e.documentation };
    if (e.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
    if (e.sortText) item.sortText = e.sortText;
    if (e.filterText) item.filterText = e.filterText;
    if (e.retrigger && client.retrigger) item.command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };
    if (e.resolve) item.data = e.resolve;
    return item;
  });
  return { isIncomplete: false, items };
}

/** completionItem/resolve: the documentation of a directive item. */
export function resolveCompletion(ws: Workspace, item: CompletionItem): CompletionItem {
  const data = item.data as { directive?: unknown; ctx?: unknown } | undefined;
  if (typeof data?.directive !== 'string' || typeof data.ctx !== 'string') return item;
  const md = directiveMarkdown(defaultCatalog(), data.directive, data.ctx as BlockKind, parseVersion(ws.nginxVersion));
  return md ? { ...item, documentation: { kind: MarkupKind.Markdown, value: md } } : item;
}
