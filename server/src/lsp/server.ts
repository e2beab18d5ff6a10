// Wires the language server to a connection: capabilities, document sync, settings, trust and
// diagnostics publishing. Handlers stay thin; the work happens in Workspace and the core. Every
// handler is wrapped (handlers.ts): an exception is logged and answered with an error response.
import {
  TextDocuments, TextDocumentSyncKind, DidChangeConfigurationNotification, FileChangeType,
  type Connection, type InitializeParams, type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Workspace } from './workspace';
import { fetchSettings } from './settings';
import { detectNginxVersion } from './nginx-version';
import { pathToUri, toLspDiagnostic, uriToPath } from './convert';
import { DEFAULT_SETTINGS, EXPLAIN_LINES, FILE_INFO, MATCH_URL, PROBE_BACKEND, TRUST_CHANGED, type ExplainLinesParams, type MatchUrlParams, type ProbeBackendParams, type ProbeBackendResult, type FileInfo, type FileInfoParams, type InitializationOptions, type TrustChangedParams } from '../protocol/protocol';
import { VERSION } from '../version';
import { probeBackend } from '../remote/probe';
import { codeActions, FIX_ALL_KIND } from './code-actions';
import { CodeActionKind } from 'vscode-languageserver/node';
import { featureCapabilities, registerFeatures } from './features/index';
import { explainLines, matchUrl } from './explain';
import { describeError, notification, request } from './handlers';
import { HugeDocuments, HUGE_DOCUMENT_CHARS, isHuge, sizeText, syntaxDiagnostics } from './huge';
import { basename } from 'node:path';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const uris = new Map<string, string>();
  let canAskSettings = false;
  let hasFolderEvents = false;
  let trusted = false;
  let versionSource: FileInfo['versionSource'] = 'none';
  // Documents opened before the settings arrive wait for them, so the first diagnostics are final.
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const uriOf = (path: string): string => uris.get(path) ?? pathToUri(path);
  const log = connection.console;
  const workspace = new Workspace(
    {
      publish(byFile, units) {
        const files = new Map(units.flatMap((u) => [...(u.analysis?.set.files ?? new Map())]));
        for (const [path, list] of byFile) {
          void connection.sendDiagnostics({ uri: uriOf(path), diagnostics: list.map((d) => toLspDiagnostic(d, files, uriOf)) });
        }
      },
      snippetAssumed(unit) {
        void connection.window.showInformationMessage(
          `nginx-doctor: ${unit.path} is not included by any root config in the workspace, so it is checked as if it were inside "${unit.startContext} { }". ` +
            'Set "nginxDoctor.rootConfig", or add "# nginx-doctor: context <name>" to the file.',
        );
      },
      log: (m) => connection.console.log(m),
      debug: (m) => connection.console.debug(m),
    },
    { ...DEFAULT_SETTINGS },
  );

  const refreshSettings = async (): Promise<void> => {
    workspace.setSettings(await fetchSettings(connection, canAskSettings));
    if (workspace.settings.nginxVersion) {
      workspace.nginxVersion = workspace.settings.nginxVersion;
      versionSource = 'setting';
    } else if (trusted) {
      workspace.nginxVersion = await detectNginxVersion(workspace.settings.nginxPath);
      versionSource = workspace.nginxVersion ? 'nginx -v' : 'none';
    } else {
      workspace.nginxVersion = null;
      versionSource = 'none';
    }
  };

  connection.onInitialize(request(log, 'initialize', (params: InitializeParams): InitializeResult => {
    const opts = (params.initializationOptions ?? {}) as Partial<InitializationOptions>;
    trusted = opts.trusted === true;
    workspace.trusted = trusted;
    canAskSettings = !!params.capabilities.workspace?.configuration;
    hasFolderEvents = !!params.capabilities.workspace?.workspaceFolders;
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? (params.rootUri ? [uriToPath(params.rootUri)] : []);
    workspace.folders = folders;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        ...featureCapabilities(params),
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'nginx-doctor', version: VERSION },
    };
  }));

  connection.onInitialized(notification(log, 'initialized', async () => {
    try {
      if (canAskSettings) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'nginxDoctor' }).catch((e: unknown) => log.error(`registering for settings changes failed: ${String(e)}`));
      if (hasFolderEvents) {
        connection.workspace.onDidChangeWorkspaceFolders(notification(log, 'didChangeWorkspaceFolders', (e) => {
          const removed = new Set(e.removed.map((f) => uriToPath(f.uri)));
          workspace.folders = [...workspace.folders.filter((f) => !removed.has(f)), ...e.added.map((f) => uriToPath(f.uri))];
          workspace.setSettings();
          workspace.forgetRoots();
          workspace.rerunAll();
        }));
      }
      await refreshSettings();
    } catch (e) {
      // the defaults stay; requests waiting for the settings run anyway
      log.error(`initialisation failed: ${describeError(e)}`);
    } finally {
      markReady();
    }
    workspace.rerunAll();
  }));

  connection.onDidChangeConfiguration(notification(log, 'didChangeConfiguration', async () => {
    await refreshSettings();
    workspace.forgetRoots();
    workspace.rerunAll();
  }));

  connection.onNotification(TRUST_CHANGED, notification(log, 'trustChanged', async (p: TrustChangedParams) => {
    trusted = p.trusted;
    workspace.trusted = trusted;
    await refreshSettings();
    workspace.rerunAll();
  }));

  connection.onRequest(FILE_INFO, request(log, 'fileInfo', (p: FileInfoParams): FileInfo => {
    const path = uriToPath(p.uri);
    const units = workspace.unitsContaining(path);
    const snippet = units.find((u) => u.kind === 'snippet');
    return {
      roots: units.filter((u) => u.kind === 'root').map((u) => u.path),
      ...(snippet?.startContext ? { assumedContext: snippet.startContext } : {}),
      nginxVersion: workspace.nginxVersion,
      versionSource,
      trusted,
      ...(workspace.ignoredSettings.length ? { ignoredSettings: workspace.ignoredSettings } : {}),
    };
  }));

  connection.onRequest(EXPLAIN_LINES, request(log, 'explainLines', (p: ExplainLinesParams, token) => explainLines(workspace, p, token), ready));
  connection.onRequest(MATCH_URL, request(log, 'matchUrl', (p: MatchUrlParams) => matchUrl(workspace, p), ready));
  connection.onRequest(PROBE_BACKEND, request(log, 'probeBackend', async (p: ProbeBackendParams): Promise<ProbeBackendResult> => {
    if (!trusted) return { ok: false, text: 'probing backends needs a trusted workspace' };
    return probeBackend(typeof p?.address === 'string' ? p.address : '');
  }));

  // a document too big to analyse: syntax only, in slices (huge.ts); out of every analysis unit
  const huge = new HugeDocuments({
    publish(path, problems, text) {
      const doc = documents.get(uriOf(path));
      if (!doc || doc.getText() !== text) return;
      // the line table of a 50 MB text takes ~2 s to build: here, after the first check, rather
      // than on the first keystroke (which updates it incrementally from then on)
      doc.positionAt(text.length);
      void connection.sendDiagnostics({ uri: doc.uri, diagnostics: syntaxDiagnostics(problems, workspace.settings.rules['syntax'], (o) => doc.positionAt(o)) });
    },
    notice(path, chars) {
      void connection.window.showInformationMessage(
        `nginx-doctor: ${basename(path)} is ${sizeText(chars)}, too big to analyse: only its syntax is checked, and it is not formatted (the limit is ${sizeText(HUGE_DOCUMENT_CHARS)}).`,
      );
    },
    log: (m) => connection.console.debug(m),
  });
  /** Takes a huge document out of the analyses (or back in); true when it is huge. */
  const sortBySize = (path: string, text: string): boolean => {
    if (!isHuge(text)) {
      if (huge.has(path)) {
        huge.forget(path);
        workspace.huge.delete(path);
      }
      return false;
    }
    const wasOpen = workspace.isOpen(path);
    workspace.huge.set(path, text.length);
    workspace.setDocument(path, undefined);
    if (wasOpen) workspace.filesChanged([path], false); // units that include it go back to the file on disk
    huge.changed(path, text);
    return true;
  };

  documents.onDidOpen(notification(log, 'didOpen', async (e) => {
    const path = uriToPath(e.document.uri);
    uris.set(path, e.document.uri);
    if (sortBySize(path, e.document.getText())) return;
    workspace.setDocument(path, e.document.getText());
    await ready;
    workspace.schedule(workspace.unitsFor(path), true);
  }));
  documents.onDidChangeContent(notification(log, 'didChange', async (e) => {
    const path = uriToPath(e.document.uri);
    const text = e.document.getText();
    const wasHuge = workspace.huge.has(path);
    if (sortBySize(path, text)) return;
    if ((!workspace.isOpen(path) && !wasHuge) || workspace.openText(path) === text) return;
    workspace.setDocument(path, text);
    await ready;
    workspace.schedule(workspace.unitsFor(path));
  }));
  documents.onDidClose(notification(log, 'didClose', async (e) => {
    const path = uriToPath(e.document.uri);
    if (huge.has(path)) {
      huge.forget(path);
      workspace.huge.delete(path);
      void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    }
    workspace.setDocument(path, undefined);
    await ready;
    workspace.filesChanged([path], false);
    workspace.publishActive();
  }));

  connection.onDidChangeWatchedFiles(notification(log, 'didChangeWatchedFiles', (e) => {
    const paths = e.changes.map((c) => uriToPath(c.uri)).filter((p) => !workspace.isOpen(p));
    const structural = e.changes.some((c) => c.type !== FileChangeType.Changed);
    if (paths.length || structural) workspace.filesChanged(paths, structural);
  }));

  connection.onCodeAction(request(log, 'codeAction', (params) => codeActions(workspace, params, uriOf), ready));

  registerFeatures(connection, workspace, uriOf, ready);

  documents.listen(connection);
  connection.listen();
}
