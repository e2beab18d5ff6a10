// A real LSP client over stdio for tests: spawns dist/server.js (or the CLI's `lsp --stdio`),
// speaks JSON-RPC through vscode-languageserver-protocol, and waits on notifications with deadlines.
import { spawn, type ChildProcess } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, InitializeRequest,
  DidOpenTextDocumentNotification, DidChangeTextDocumentNotification, DidCloseTextDocumentNotification,
  PublishDiagnosticsNotification, DidChangeWatchedFilesNotification, ShowMessageNotification,
  ConfigurationRequest, ShowMessageRequest, ExitNotification, ShutdownRequest, InitializedNotification,
  type ProtocolConnection, type PublishDiagnosticsParams, type Diagnostic, type InitializeResult, type FileEvent,
} from 'vscode-languageserver-protocol/node';
import { SERVER } from './repo';

/** A diagnostic's message as plain text (LSP 3.18 also allows markup). */
export function messageText(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}

export interface ClientOptions {
  folders: string[];
  settings?: Record<string, unknown>;
  trusted?: boolean;
  command?: string[];
}

export class LspClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  readonly messages: string[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];
  private stderr = '';
  private constructor(private readonly proc: ChildProcess, readonly conn: ProtocolConnection) {}

  static start(opts: ClientOptions): Promise<{ client: LspClient; init: InitializeResult }> {
    return LspClient.startWithCapabilities(opts, {});
  }

  /**
   * Like start(), announcing extra client capabilities: `textDocument` is merged into the
   * initialize request's textDocument capabilities (e.g. snippet completion, hierarchical symbols).
   */
  static async startWithCapabilities(opts: ClientOptions, textDocument: Record<string, unknown>, clientName?: string): Promise<{ client: LspClient; init: InitializeResult }> {
    const proc = spawn(process.execPath, opts.command ?? [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn);
    proc.stderr!.on('data', (d: Buffer) => (client.stderr += d.toString()));
    conn.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => {
      client.diagnostics.set(p.uri, p.diagnostics);
      client.poke();
    });
    conn.onNotification(ShowMessageNotification.type, (p) => {
      client.messages.push(p.message);
      client.poke();
    });
    conn.onRequest(ShowMessageRequest.type, (p) => {
      client.messages.push(p.message);
      client.poke();
      return null;
    });
    conn.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => opts.settings ?? {}));
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
    const init = await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: null,
      ...(clientName ? { clientInfo: { name: clientName } } : {}),
      capabilities: {
        workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: false } },
        textDocument,
      },
      workspaceFolders: opts.folders.map((f) => ({ uri: pathToFileURL(f).href, name: f })),
      initializationOptions: { trusted: opts.trusted ?? false },
    });
    await conn.sendNotification(InitializedNotification.type, {});
    return { client, init };
  }

  /** The file URI of a path, as the server sees documents. */
  uri(path: string): string {
    return pathToFileURL(path).href;
  }

  /** Sends a request by method name (textDocument/completion, textDocument/hover ...). */
  request<R>(method: string, params: unknown): Promise<R> {
    return this.conn.sendRequest(method, params) as Promise<R>;
  }

  /** Sends a textDocument/* request at a position of a file. */
  requestAt<R>(method: string, path: string, line: number, character: number, extra: Record<string, unknown> = {}): Promise<R> {
    return this.request<R>(method, { textDocument: { uri: this.uri(path) }, position: { line, character }, ...extra });
  }

  private poke(): void {
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  /** Resolves when check() holds, rejects after timeoutMs with a description of the state. */
  waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const state = [...this.diagnostics].map(([u, d]) => `${u}: ${d.map((x) => x.message).join(' | ')}`).join('\n');
        reject(new Error(`timed out waiting for ${what}\ndiagnostics:\n${state}\nserver stderr:\n${this.stderr}`));
      }, timeoutMs);
      this.waiters.push({ check, resolve: () => { clearTimeout(timer); resolve(); } });
    });
  }

  waitForDiagnostics(path: string, check: (d: Diagnostic[]) => boolean, what = 'diagnostics'): Promise<Diagnostic[]> {
    const uri = pathToFileURL(path).href;
    return this.waitFor(`${what} for ${path}`, () => { const d = this.diagnostics.get(uri); return !!d && check(d); }).then(() => this.diagnostics.get(uri)!);
  }

  open(path: string, text: string, version = 1): Promise<void> {
    return this.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: pathToFileURL(path).href, languageId: 'nginx', version, text },
    });
  }

  change(path: string, text: string, version: number): Promise<void> {
    return this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: pathToFileURL(path).href, version },
      contentChanges: [{ text }],
    });
  }

  /** An incremental change, as VS Code sends a keystroke: `text` replaces the range (0-based lines and characters). */
  edit(path: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, text: string, version: number): Promise<void> {
    return this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: pathToFileURL(path).href, version },
      contentChanges: [{ range, text }],
    });
  }

  close(path: string): Promise<void> {
    return this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: pathToFileURL(path).href } });
  }

  filesChanged(changes: { path: string; type: 1 | 2 | 3 }[]): Promise<void> {
    const events: FileEvent[] = changes.map((c) => ({ uri: pathToFileURL(c.path).href, type: c.type }));
    return this.conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: events });
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      // the process may already be gone
    }
    const exited = this.proc.exitCode !== null || this.proc.signalCode !== null ? Promise.resolve() : new Promise((r) => this.proc.once('exit', r));
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
    this.conn.dispose();
  }
}
