// Renders diagnostics for the CLI: text (file:line:col: severity [rule] message), JSON and SARIF 2.1.0.
import { RULES, type Diagnostic, type ParsedFile } from '../core/index';
import { safeText } from './sanitize';

export type Format = 'text' | 'json' | 'sarif';

interface Located {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

function locate(d: Diagnostic, files: Map<string, ParsedFile>): Located {
  const lines = files.get(d.file)?.source.lines;
  const s = lines ? lines.positionAt(d.start) : { line: 0, character: 0 };
  const e = lines ? lines.positionAt(d.end) : s;
  return {
    file: d.file,
    line: s.line + 1,
    column: s.character + 1,
    endLine: e.line + 1,
    endColumn: e.character + 1,
    severity: d.severity,
    code: d.code,
    message: d.message,
  };
}

export function formatDiagnostics(list: Diagnostic[], files: Map<string, ParsedFile>, format: Format): string {
  const located = list.map((d) => locate(d, files));
  if (format === 'json') return JSON.stringify({ diagnostics: located }) + '\n';
  if (format === 'sarif') return JSON.stringify(sarif(located), null, 2) + '\n';
  return located.map((d) => safeText(`${d.file}:${d.line}:${d.column}: ${d.severity} [${d.code}] ${d.message}`) + '\n').join('');
}

const LEVEL: Record<string, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

function sarif(list: Located[]): unknown {
  const used = [...new Set(list.map((d) => d.code))];
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'nginx-doctor',
            informationUri: 'https://github.com/nginx-doctor/nginx-doctor',
            rules: used.map((id) => ({
              id,
              shortDescription: { text: RULES.find((r) => r.id === id)?.summary ?? id },
              helpUri: `https://github.com/nginx-doctor/nginx-doctor/blob/main/docs/rules/${id}.md`,
            })),
          },
        },
        results: list.map((d) => ({
          ruleId: d.code,
          level: LEVEL[d.severity] ?? 'note',
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: d.file.split('/').map(encodeURIComponent).join('/') },
                region: { startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn },
              },
            },
          ],
        })),
      },
    ],
  };
}
