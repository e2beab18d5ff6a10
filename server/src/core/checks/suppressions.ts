// Reads nginx-doctor comments in a file:
//   # nginx-doctor: disable-next-line rule-a, rule-b -- why
//   # nginx-doctor: disable-line rule-a -- why          (at the end of the line it silences)
//   # nginx-doctor: disable-file rule-a -- why
//   # nginx-doctor: context server                      (context of a snippet analysed alone)
// With no rule ids, every rule is silenced.
import type { ParsedFile } from '../syntax/ast';
import type { Diagnostic } from '../diagnostic';

const COMMENT = /^#\s*nginx-doctor:\s*(disable-next-line|disable-line|disable-file|context)\b\s*([^]*?)\s*(?:--.*)?$/;

export interface Suppressions {
  /** 0-based line → rule ids ('*' for all). */
  lines: Map<number, Set<string>>;
  file: Set<string>;
  context?: string;
}

export function readSuppressions(parsed: ParsedFile): Suppressions {
  const out: Suppressions = { lines: new Map(), file: new Set() };
  const { lines } = parsed.source;
  const codeLines = new Set<number>();
  const add = (line: number, ids: string[]): void => {
    const set = out.lines.get(line) ?? new Set<string>();
    for (const id of ids) set.add(id);
    out.lines.set(line, set);
  };
  const pending: { line: number; ids: string[] }[] = [];
  for (const c of parsed.comments) {
    const m = COMMENT.exec(c.value);
    if (!m) continue;
    const kind = m[1]!;
    const rest = m[2]!.trim();
    if (kind === 'context') {
      out.context = rest.split(/\s+/)[0];
      continue;
    }
    const ids = rest ? rest.split(/[\s,]+/).filter(Boolean) : ['*'];
    const line = lines.positionAt(c.start).line;
    if (kind === 'disable-file') ids.forEach((id) => out.file.add(id));
    else if (kind === 'disable-line') add(line, ids);
    else pending.push({ line, ids });
  }
  if (pending.length) {
    const walk = (ds: ParsedFile['directives']): void => {
      for (const d of ds) {
        codeLines.add(lines.positionAt(d.start).line);
        if (d.block) walk(d.block.children);
      }
    };
    walk(parsed.directives);
    const sorted = [...codeLines].sort((a, b) => a - b);
    for (const p of pending) {
      const next = sorted.find((l) => l > p.line);
      if (next !== undefined) add(next, p.ids);
    }
  }
  return out;
}

export function isSuppressed(d: Diagnostic, s: Suppressions, line: number): boolean {
  if (s.file.has('*') || s.file.has(d.code)) return true;
  const ids = s.lines.get(line);
  return !!ids && (ids.has('*') || ids.has(d.code));
}
