// The language client: the bundled server (dist/server.js) over stdio, for nginx files, told
// whether the workspace is trusted; a server that dies is restarted with a growing delay.
import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClient, RevealOutputChannelOn, TransportKind,
  type CloseHandlerResult, type ErrorHandler, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import { LANGUAGE_ID, type InitializationOptions } from '../../server/src/protocol/protocol';

export function createLanguageClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.stdio },
    debug: { module, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(watcher);
  const initializationOptions: InitializationOptions = { trusted: vscode.workspace.isTrusted };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { language: LANGUAGE_ID, scheme: 'file' },
      { language: LANGUAGE_ID, scheme: 'untitled' },
    ],
    synchronize: { fileEvents: watcher },
    initializationOptions,
    outputChannel: output,
    // a request the server answers with an error is logged there (with the stack); popping the
    // channel open on every failed hover would be noise. Crashes still notify once (below).
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    errorHandler: restartingErrorHandler(output),
  };
  return new LanguageClient('nginxDoctor', 'nginx-doctor', serverOptions, clientOptions);
}

/**
 * If the server process dies, restart it after a growing delay (0.5 s, 1 s, 2 s ... 30 s) and tell
 * the user once per session; after 8 crashes within 5 minutes stop and say how to restart it.
 * A protocol error on a single message keeps the connection (the server answers handler errors
 * itself and logs them), so only a dead process counts.
 */
function restartingErrorHandler(output: vscode.LogOutputChannel): ErrorHandler {
  const crashes: number[] = [];
  let told = false;
  return {
    error: (error, _message, count) => {
      output.error(`connection error: ${error.message}`);
      return { action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true };
    },
    closed: async (): Promise<CloseHandlerResult> => {
      const now = Date.now();
      crashes.push(now);
      while (crashes.length && crashes[0]! < now - 5 * 60_000) crashes.shift();
      if (crashes.length > 8) {
        output.error('the language server stopped 8 times in 5 minutes; not restarting it');
        return { action: CloseAction.DoNotRestart, message: 'The nginx-doctor language server keeps stopping. Run "Nginx: Restart Language Server" to try again, and see "Nginx: Show Output".' };
      }
      const delay = Math.min(30_000, 500 * 2 ** (crashes.length - 1));
      output.warn(`the language server stopped; restarting it in ${delay} ms`);
      if (!told) {
        told = true;
        void vscode.window.showWarningMessage('The nginx-doctor language server stopped unexpectedly and is being restarted. Details are in "Nginx: Show Output".');
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      return { action: CloseAction.Restart, handled: true };
    },
  };
}
