// Editing features of the language server: capabilities to announce and thin handlers over the
// core (completion, hover, outline, workspace symbols, definition, references, include links,
// rename, formatting, folding and selection ranges). server.ts calls featureCapabilities() in
// onInitialize and registerFeatures() once.
import { ResponseError, type Connection, type InitializeParams, type ServerCapabilities } from 'vscode-languageserver/node';
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

/** Registers the handlers; each waits for `ready` (settings read), so results follow the nginx version. */
export function registerFeatures(connection: Connection, ws: Workspace, uriOf: (path: string) => string, ready: Promise<void> = Promise.resolve()): void {
  const guard = <P, R>(name: string, fallback: R, fn: (p: P) => R) => async (p: P): Promise<R> => {
    await ready;
    try {
      return fn(p);
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      connection.console.error(`${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback;
    }
  };
  connection.onCompletion(guard('completion', { isIncomplete: false, items: [] }, (p) => completion(ws, p, client)));
  connection.onCompletionResolve(async (item) => {
    await ready;
    try {
      return resolveCompletion(ws, item);
    } catch (e) {
      connection.console.error(`completionResolve failed: ${e instanceof Error ? e.message : String(e)}`);
      return item;
    }
  });
  connection.onHover(guard('hover', null, (p) => hover(ws, p)));
  connection.onDocumentSymbol(guard('documentSymbol', [], (p) => outline(ws, p, client)));
  connection.onWorkspaceSymbol(guard('workspaceSymbol', [], (p) => workspaceSymbols(ws, p, uriOf)));
  connection.onDefinition(guard('definition', [], (p) => definition(ws, p, uriOf)));
  connection.onReferences(guard('references', [], (p) => findReferences(ws, p, uriOf)));
  connection.onDocumentLinks(guard('documentLinks', [], (p) => documentLinks(ws, p, uriOf)));
  connection.onPrepareRename(guard('prepareRename', null, (p) => prepareRename(ws, p)));
  connection.onRenameRequest(guard('rename', null, (p) => rename(ws, p, uriOf)));
  connection.onDocumentFormatting(guard('formatting', [], (p) => format(ws, p, connection)));
  connection.onDocumentRangeFormatting(guard('rangeFormatting', [], (p) => format(ws, p, connection)));
  connection.onFoldingRanges(guard('foldingRange', [], (p) => folding(ws, p)));
  connection.onSelectionRanges(guard('selectionRange', [], (p) => selection(ws, p)));
}
