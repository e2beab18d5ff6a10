// Applies text edits to file texts. Edits are applied from the end so offsets stay valid;
// overlapping edits are refused (the caller runs another round instead).
import type { Fix, TextEdit } from '../diagnostic';

export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  let limit = Infinity;
  for (const e of sorted) {
    if (e.end > limit) continue;
    out = out.slice(0, e.start) + e.newText + out.slice(e.end);
    limit = e.start;
  }
  return out;
}

/** Picks fixes whose edits do not overlap each other, in order; the rest wait for another round. */
export function compatibleFixes(fixes: readonly Fix[]): Fix[] {
  const taken: TextEdit[] = [];
  const out: Fix[] = [];
  const overlaps = (a: TextEdit, b: TextEdit): boolean =>
    a.file === b.file && a.start < b.end + 1 && b.start < a.end + 1 && !(a.start === a.end && b.start === b.end && a.start !== b.start);
  for (const f of fixes) {
    if (f.edits.some((e) => taken.some((t) => overlaps(e, t)))) continue;
    out.push(f);
    taken.push(...f.edits);
  }
  return out;
}

/** Groups the edits of several fixes by file. */
export function editsByFile(fixes: readonly Fix[]): Map<string, TextEdit[]> {
  const map = new Map<string, TextEdit[]>();
  for (const f of fixes) for (const e of f.edits) map.set(e.file, [...(map.get(e.file) ?? []), e]);
  return map;
}
