// Applies every preferred fix of an analysis, in rounds (later fixes see earlier ones, overlapping
// fixes wait for the next round), and returns the changed texts. Nothing is written here: the
// CLI and the editor decide what to do with the result.
import { analyze, type AnalyzeOptions } from '../analyze';
import type { Diagnostic } from '../diagnostic';
import type { FileHost } from '../host';
import { applyEdits, compatibleFixes, editsByFile } from './apply';
import { fixAllowed } from './guard';

export interface FixAllResult {
  /** New text per changed file. */
  changed: Map<string, string>;
  /** How many fixes were applied. */
  applied: number;
  /** Diagnostics left after the last round. */
  remaining: Diagnostic[];
}

const MAX_ROUNDS = 5;

export function fixAll(rootPath: string, opts: AnalyzeOptions, onlyFile?: string): FixAllResult {
  const changed = new Map<string, string>();
  const host: FileHost = {
    readFile: (p) => changed.get(p) ?? (p === rootPath && opts.rootText !== undefined ? opts.rootText : opts.host.readFile(p)),
    listDir: (p) => opts.host.listDir(p),
    isDirectory: (p) => opts.host.isDirectory(p),
    ...(opts.host.exists ? { exists: (p: string) => opts.host.exists!(p) } : {}),
    ...(opts.host.identity ? { identity: (p: string) => opts.host.identity!(p) } : {}),
  };
  let applied = 0;
  let remaining: Diagnostic[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const { rootText: _ignored, cache: _cache, ...rest } = opts;
    const analysis = analyze(rootPath, { ...rest, host });
    remaining = analysis.diagnostics;
    const fixes = remaining
      .filter((d) => !onlyFile || d.file === onlyFile)
      .flatMap((d) => (d.fixes ?? []).filter((f) => f.isPreferred && fixAllowed(analysis.set, f)).slice(0, 1))
      .filter((f) => !onlyFile || f.edits.every((e) => e.file === onlyFile));
    const chosen = compatibleFixes(fixes);
    if (chosen.length === 0) break;
    for (const [file, edits] of editsByFile(chosen)) {
      const before = host.readFile(file) ?? '';
      const after = applyEdits(before, edits);
      if (after !== before) changed.set(file, after);
    }
    applied += chosen.length;
  }
  return { changed, applied, remaining };
}
