// The VS Code extension: one context (ctx.ts), the features built on it, the command table
// (commands.ts), then the language server.
import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { COMMAND_TABLE, type Features } from './commands';
import { createStatusItem } from './status';
import { ExplainFeature } from './explain/index';
import { TailFeature } from './tail/index';
import { CheckServerFeature } from './doctor/index';
import { EffectiveSettingsFeature } from './settings/index';
import { disposeHighlight } from './open-place';

let ctx: Ctx | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('nginx-doctor', { log: true });
  context.subscriptions.push(output);
  const c = new Ctx(context, output);
  ctx = c;
  context.subscriptions.push(c);
  c.pushCleanup({ dispose: disposeHighlight });
  const features: Features = { ctx: c, explain: new ExplainFeature(c), tail: new TailFeature(c), checkServer: new CheckServerFeature(c), settings: new EffectiveSettingsFeature(c) };
  c.registerCommands(COMMAND_TABLE, features);
  try {
    createStatusItem(c);
    await c.startLanguageClient();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    output.error(`activation failed: ${message}`);
    void vscode.window.showErrorMessage(`nginx-doctor could not start its language server: ${message}`);
  }
}

export async function deactivate(): Promise<void> {
  await ctx?.stopLanguageClient();
}
