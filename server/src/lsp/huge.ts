// Documents too big to analyse (docs/security.md, "huge documents"): above HUGE_DOCUMENT_CHARS an
// open document gets syntax diagnostics only, from a tree-less check that runs in slices with a
// pause between them, so requests about other documents are answered meanwhile; a newer version
// of the document (or closing it) cancels the check in progress. It is not part of any analysis
// unit (other configs that include it see the file on disk), editing features answer nothing for
// it, and formatting is refused with a message. VS Code itself stops syncing files above 50 MB.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import { SyntaxCheck } from '../core/index';
import type { SyntaxProblem } from '../core/syntax/token';

/** Open documents above this many characters are only checked for syntax. */
export const HUGE_DOCUMENT_CHARS = 4 * 1024 * 1024;
/** Characters scanned between two pauses (a few milliseconds each). */
const SLICE_CHARS = 256 * 1024;
/** Quiet time after the last edit before a check starts. */
const DEBOUNCE_MS = 300;

export function isHuge(text: string): boolean {
  return text.length > HUGE_DOCUMENT_CHARS;
}

export function sizeText(chars: number): string {
  return `${(chars / (1024 * 1024)).toFixed(1)} MB`;
}

export interface HugeHooks {
  /** Offsets to LSP positions of the document's current text. */
  publish(path: string, problems: SyntaxProblem[], text: string): void;
  /** Told once per document: only syntax is checked. */
  notice(path: string, chars: number): void;
  log(message: string): void;
}

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** LSP diagnostics of a syntax check, with the "syntax" rule's severity from the settings ("off": none). */
export function syntaxDiagnostics(problems: SyntaxProblem[], setting: string | undefined, positionAt: (offset: number) => { line: number; character: number }): Diagnostic[] {
  if (setting === 'off') return [];
  const severity = SEVERITY[setting ?? 'error'] ?? DiagnosticSeverity.Error;
  return problems.map((p) => ({ range: { start: positionAt(p.start), end: positionAt(p.end) }, severity, source: 'nginx-doctor', code: 'syntax', message: p.message }));
}

export class HugeDocuments {
  /** Generation of the latest check per document: a check that is no longer the latest stops. */
  private readonly latest = new Map<string, number>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly told = new Set<string>();
  private generation = 0;

  constructor(private readonly hooks: HugeHooks) {}

  has(path: string): boolean {
    return this.latest.has(path);
  }

  /** A new version of a huge document: check it after a quiet moment. */
  changed(path: string, text: string): void {
    const gen = ++this.generation;
    this.latest.set(path, gen);
    if (!this.told.has(path)) {
      this.told.add(path);
      this.hooks.notice(path, text.length);
    }
    const t = this.timers.get(path);
    if (t) clearTimeout(t);
    this.timers.set(path, setTimeout(() => {
      this.timers.delete(path);
      void this.check(path, text, gen);
    }, DEBOUNCE_MS));
  }

  /** The document was closed or is no longer huge: stop any check. */
  forget(path: string): void {
    this.latest.delete(path);
    const t = this.timers.get(path);
    if (t) clearTimeout(t);
    this.timers.delete(path);
  }

  private async check(path: string, text: string, gen: number): Promise<void> {
    const started = Date.now();
    const c = new SyntaxCheck(text);
    while (!c.step(SLICE_CHARS)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.latest.get(path) !== gen) return;
    }
    if (this.latest.get(path) !== gen) return;
    this.hooks.log(`checked the syntax of ${path} (${sizeText(text.length)}, too big to analyse) in ${Date.now() - started} ms`);
    this.hooks.publish(path, c.problems, text);
  }
}
