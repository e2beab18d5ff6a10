// The VS Code extension: starts the nginx-doctor language server and shows its state.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { LANGUAGE_ID, TRUST_CHANGED, type InitializationOptions } from '../../server/src/protocol/protocol';
import { createStatusItem } from './status';
import { registerTail } from './tail/index';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('nginx-doctor', { log: true });
  context.subscriptions.push(output);
  context.subscriptions.push(registerTail(context, output));
  try {
    client = createClient(context, output);
    context.subscriptions.push(createStatusItem(() => client));
    context.subscriptions.push(
      vscode.workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification(TRUST_CHANGED, { trusted: true })),
      vscode.commands.registerCommand('nginxDoctor.restartServer', async () => {
        await client?.restart();
      }),
      vscode.commands.registerCommand('nginxDoctor.showOutput', () => output.show()),
    );
    await client.start();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    output.error(`activation failed: ${message}`);
    void vscode.window.showErrorMessage(`nginx-doctor could not start its language server: ${message}`);
  }
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): LanguageClient {
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
  };
  return new LanguageClient('nginxDoctor', 'nginx-doctor', serverOptions, clientOptions);
}
