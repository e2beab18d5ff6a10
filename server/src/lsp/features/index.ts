// Editing features of the language server: capabilities to announce and thin handlers over the
// core (completion, hover, outline, workspace symbols, definition, references, include links,
// rename, formatting, folding and selection ranges). server.ts calls featureCapabilities() in
// onInitialize and registerFeatures() once.
import type { Connection, InitializeParams, ServerCapabilities } from 'vscode-languageserver/node';
import { request } from '../handlers';
import type { Workspace } from '../workspace';
import { completion, resolveCompletion } from './completion';
import { hover } from './hover';
import { outline, workspaceSymbols } from './symbols';
import { definition, documentLinks, findReferences, prepareRename, rename } from './navigation';
import { format } from './formatting';
import { folding, selection } from './ranges';

export interface ClientFeatures {
  snippets: boolean;
  hierarchicalSymbols: boolean;
  /** The client runs editor.action.triggerSuggest (VS Code and its derivatives). */
  retrigger: boolean;
}

const client: ClientFeatures = { snippets: false, hierarchicalSymbols: false, retrigger: false };

/** Reads what the client supports and returns the capabilities of the editing features. */
export function featureCapabilities(params: InitializeParams): ServerCapabilities {
  const td = params.capabilities.textDocument;
  client.snippets = td?.completion?.completionItem?.snippetSupport === true;
  client.hierarchicalSymbols = td?.documentSymbol?.hierarchicalDocumentSymbolSupport === true;
  client.retrigger = /code|codium|cursor|windsurf/i.test(params.clientInfo?.name ?? '');
  return {
    completionProvider: { triggerCharacters: ['$', '{', '/', '@', ' '], resolveProvider: true },
    hoverProvider: true,
    documentSymbolProvider: { label: 'nginx' },
    workspaceSymbolProvider: true,
    definitionProvider: true,
    referencesProvider: true,
    documentLinkProvider: { resolveProvider: false },
    renameProvider: { prepareProvider: true },
    documentFormattingProvider: true,
    documentRangeFormattingProvider: true,
    foldingRangeProvider: true,
    selectionRangeProvider: true,
  };
}

/**
 * Registers the handlers; each waits for `ready` (settings read), so results follow the nginx
 * version. An exception is logged and answered with an error response (../handlers.ts).
 */
export function registerFeatures(connection: Connection, ws: Workspace, uriOf: (path: string) => string, ready: Promise<void> = Promise.resolve()): void {
  const log = connection.console;
  connection.onCompletion(request(log, 'completion', (p) => completion(ws, p, client), ready));
  connection.onCompletionResolve(request(log, 'completionResolve', (item) => resolveCompletion(ws, item), ready));
  connection.onHover(request(log, 'hover', (p) => hover(ws, p), ready));
  connection.onDocumentSymbol(request(log, 'documentSymbol', (p) => outline(ws, p, client), ready));
  connection.onWorkspaceSymbol(request(log, 'workspaceSymbol', (p) => workspaceSymbols(ws, p, uriOf), ready));
  connection.onDefinition(request(log, 'definition', (p) => definition(ws, p, uriOf), ready));
  connection.onReferences(request(log, 'references', (p) => findReferences(ws, p, uriOf), ready));
  connection.onDocumentLinks(request(log, 'documentLinks', (p) => documentLinks(ws, p, uriOf), ready));
  connection.onPrepareRename(request(log, 'prepareRename', (p) => prepareRename(ws, p), ready));
  connection.onRenameRequest(request(log, 'rename', (p) => rename(ws, p, uriOf), ready));
  connection.onDocumentFormatting(request(log, 'formatting', (p) => format(ws, p, connection), ready));
  connection.onDocumentRangeFormatting(request(log, 'rangeFormatting', (p) => format(ws, p, connection), ready));
  connection.onFoldingRanges(request(log, 'foldingRange', (p) => folding(ws, p), ready));
  connection.onSelectionRanges(request(log, 'selectionRange', (p) => selection(ws, p), ready));
}
