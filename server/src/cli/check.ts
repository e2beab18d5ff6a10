// `nginx-doctor check`: analyses root configs (and snippets, in an inferred context) and prints
// diagnostics as text, JSON or SARIF. Exit 0: no error; 1: at least one error; 2: usage or I/O.
import { resolve as resolvePath } from 'node:path';
import { analyze, type Diagnostic, type ParsedFile } from '../core/index';
import { parseCommandArgs, one, UsageError } from './args';
import { formatDiagnostics, type Format } from './format';
import { analysisInputs } from './inputs';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export function runCheck(argv: string[], io: Io): number {
  const args = parseCommandArgs(argv, 'check');
  const format = (one(args, 'format') ?? 'text') as Format;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  if (args.positionals.length === 0) throw new UsageError('check needs at least one config file');
  const inputs = analysisInputs(args, io);
  const covered = new Set<string>();
  const all: Diagnostic[] = [];
  const files = new Map<string, ParsedFile>();
  for (const input of inputs.items) {
    if (covered.has(resolvePath(input.path))) continue;
    const analysis = analyze(input.path, input.options);
    for (const [path, file] of analysis.set.files) {
      covered.add(resolvePath(path));
      files.set(path, file);
    }
    all.push(...analysis.diagnostics);
  }
  const unique = dedupe(all);
  io.out(formatDiagnostics(unique, files, format));
  if (inputs.ioFailed) return 2;
  return unique.some((d) => d.severity === 'error') ? 1 : 0;
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.file}\0${d.start}\0${d.end}\0${d.code}\0${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
