// Converts core results to LSP types: offsets to ranges, severities, related information.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Range } from 'vscode-languageserver/node';
import type { Diagnostic, ParsedFile } from '../core/index';

const SEVERITY: Record<string, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export const DOCS_BASE = 'https://github.com/nginx-doctor/nginx-doctor/blob/main/docs/rules/';

export function uriToPath(uri: string): string {
  return uri.startsWith('file:') ? fileURLToPath(uri) : uri;
}

export function pathToUri(path: string): string {
  return path.startsWith('/') || /^[A-Za-z]:/.test(path) ? pathToFileURL(path).href : path;
}

export function toRange(file: ParsedFile | undefined, start: number, end: number): Range {
  if (!file) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { start: file.source.lines.positionAt(start), end: file.source.lines.positionAt(end) };
}

export function toLspDiagnostic(d: Diagnostic, files: Map<string, ParsedFile>, uriOf: (path: string) => string): LspDiagnostic {
  const out: LspDiagnostic = {
    range: toRange(files.get(d.file), d.start, d.end),
    severity: SEVERITY[d.severity] ?? DiagnosticSeverity.Information,
    code: d.code,
    codeDescription: { href: `${DOCS_BASE}${d.code}.md` },
    source: 'nginx-doctor',
    message: d.message,
  };
  if (d.related?.length) {
    out.relatedInformation = d.related.map((r) => ({
      location: { uri: uriOf(r.file), range: toRange(files.get(r.file), r.start, r.end) },
      message: r.message,
    }));
  }
  return out;
}
