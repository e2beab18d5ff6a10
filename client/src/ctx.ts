// The extension's one context, in the manner of rust-analyzer's editors/code ctx.ts: what every
// feature needs (the extension context, the output channel, the language client, the bundled
// CLI, webview panels with their page script) is here, and features receive it instead of
// registering themselves. Commands come from the table in commands.ts; the trust gate for the
// ones that run programs is applied here, once.
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { LanguageClient } from 'vscode-languageclient/node';
import { TRUST_CHANGED } from '../../server/src/protocol/protocol';
import { createLanguageClient } from './language-client';
import { VIEWS, type CommandId, type ViewName } from './constants';
import { pageStart, pageEnd } from './webview';

/** What a command that runs programs says when Restricted Mode refuses it. */
export interface TrustNeed {
  /** "checking a server" */
  doing: string;
  /** "nginx, a shell and ssh" */
  runs: string;
  /** "check a server for 502 causes" */
  goal: string;
}

export interface CommandSpec<F> {
  /** Set when the command runs programs (ssh, nginx, a shell): refused in Restricted Mode. */
  trust?: TrustNeed;
  run(features: F, arg?: unknown): unknown;
}

export type CommandTable<F> = { readonly [K in CommandId]: CommandSpec<F> };

export class Ctx implements vscode.Disposable {
  private languageClient: LanguageClient | undefined;
  private readonly cleanups: vscode.Disposable[] = [];
  private readonly panels = new Set<vscode.WebviewPanel>();

  constructor(
    readonly extension: vscode.ExtensionContext,
    readonly output: vscode.LogOutputChannel,
  ) {}

  /** The running language client, if any. */
  get client(): LanguageClient | undefined {
    return this.languageClient;
  }

  /** dist/cli.js: features that run something run it (through the extension host's Node). */
  get cli(): string {
    return this.extension.asAbsolutePath(join('dist', 'cli.js'));
  }

  pushCleanup(...d: vscode.Disposable[]): void {
    this.cleanups.push(...d);
  }

  dispose(): void {
    for (const d of this.cleanups.splice(0).reverse()) d.dispose();
  }

  async startLanguageClient(): Promise<void> {
    const client = createLanguageClient(this.extension, this.output);
    this.languageClient = client;
    this.pushCleanup(vscode.workspace.onDidGrantWorkspaceTrust(() => void client.sendNotification(TRUST_CHANGED, { trusted: true })));
    await client.start();
  }

  async restartLanguageClient(): Promise<void> {
    await this.languageClient?.restart();
  }

  async stopLanguageClient(): Promise<void> {
    await this.languageClient?.stop();
  }

  /** A request to the language server; an error message (and undefined) when it is not running. */
  async ask<R>(method: string, params: unknown): Promise<R | undefined> {
    const c = this.languageClient;
    if (!c || !c.isRunning()) {
      void vscode.window.showErrorMessage('nginx-doctor: the language server is not running.');
      return undefined;
    }
    return c.sendRequest<R>(method, params);
  }

  /** Registers every command of the table, with the trust gate for those that run programs. */
  registerCommands<F>(table: CommandTable<F>, features: F): void {
    for (const id of Object.keys(table) as CommandId[]) {
      const spec = table[id];
      this.pushCleanup(vscode.commands.registerCommand(id, async (arg?: unknown) => {
        if (spec.trust && !vscode.workspace.isTrusted) return refuse(spec.trust);
        return spec.run(features, arg);
      }));
    }
  }

  /**
   * A webview panel for one of the views: scripts on, loading only that view's page script from
   * dist/webview/. Reports share one column: a new one opens where another report panel is (as a
   * tab), else beside the editor; each feature keeps and reveals its one panel (revealPanel).
   */
  createPanel(view: ViewName, title: string, options: { preserveFocus: boolean }, retainContextWhenHidden = false): vscode.WebviewPanel {
    const column = this.reportColumn();
    const panel = vscode.window.createWebviewPanel(VIEWS[view].type, title, { viewColumn: column, preserveFocus: options.preserveFocus }, {
      enableScripts: true,
      retainContextWhenHidden,
      localResourceRoots: [vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'webview')],
    });
    this.panels.add(panel);
    panel.onDidDispose(() => this.panels.delete(panel));
    return panel;
  }

  /** Shows a panel made by createPanel where it is (its column), never in a new one. */
  revealPanel(panel: vscode.WebviewPanel, preserveFocus: boolean): void {
    panel.reveal(panel.viewColumn, preserveFocus);
  }

  /** The column of the report panels (the one of any open panel), else the one beside the editor. */
  private reportColumn(): vscode.ViewColumn {
    for (const p of this.panels) if (p.viewColumn !== undefined) return p.viewColumn;
    return vscode.ViewColumn.Beside;
  }

  /**
   * A page for a panel made by createPanel: the strict CSP with a fresh nonce, the view's style
   * and body, and its page script (dist/webview/<view>.js, the only script that may run).
   */
  pageHtml(panel: vscode.WebviewPanel, view: ViewName, page: { title: string; style: string; body: string; bodyAttributes?: string }): string {
    const nonce = randomBytes(16).toString('base64');
    const script = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'webview', VIEWS[view].script));
    return `${pageStart(page.title, nonce, panel.webview.cspSource)}${page.style}</style>
</head>
<body${page.bodyAttributes ? ` ${page.bodyAttributes}` : ''}>
${page.body}
${pageEnd(nonce, script.toString())}`;
  }
}

async function refuse(t: TrustNeed): Promise<void> {
  const manage = 'Manage Workspace Trust';
  // a refusal is information: nothing failed, the workspace is simply not trusted (yet)
  const pick = await vscode.window.showInformationMessage(`nginx-doctor: ${t.doing} runs ${t.runs}, which Restricted Mode does not allow. Trust this workspace to ${t.goal}.`, manage);
  if (pick === manage) await vscode.commands.executeCommand('workbench.trust.manage');
}
