// Folding ranges (blocks, runs of comment lines, statements written over several lines) and
// selection ranges (variable -> word -> directive head -> directive -> enclosing block ... -> file).
import type { Directive, ParsedFile } from '../syntax/ast';
import { walk } from '../syntax/parser';
import { variableSpans } from './refs';

export interface FoldRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

export function foldingRanges(file: ParsedFile): FoldRange[] {
  const lines = file.source.lines;
  const text = file.source.text;
  const line = (o: number): number => lines.positionAt(o).line;
  const out: FoldRange[] = [];
  for (const d of walk(file.directives)) {
    if (d.block) {
      if (d.block.end === null) continue;
      const start = line(d.start);
      const end = line(d.block.end - 1) - 1;
      if (end > start) out.push({ startLine: start, endLine: end });
    } else {
      const start = line(d.start);
      const end = line(d.end);
      if (end > start) out.push({ startLine: start, endLine: end });
    }
  }
  // Runs of lines that hold nothing but a comment.
  let runStart = -1;
  let runEnd = -1;
  const flush = (): void => {
    if (runStart >= 0 && runEnd > runStart) out.push({ startLine: runStart, endLine: runEnd, kind: 'comment' });
    runStart = runEnd = -1;
  };
  for (const c of file.comments) {
    const l = line(c.start);
    const own = /^[ \t]*$/.test(text.slice(lines.lineStart(l), c.start));
    if (!own) continue;
    if (runStart >= 0 && l === runEnd + 1) runEnd = l;
    else {
      flush();
      runStart = runEnd = l;
    }
  }
  flush();
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/** Ranges around an offset, innermost first, each containing the one before. */
export function selectionRanges(file: ParsedFile, offset: number): { start: number; end: number }[] {
  const text = file.source.text;
  const out: { start: number; end: number }[] = [];
  const push = (start: number, end: number): void => {
    const last = out[out.length - 1];
    if (last && start === last.start && end === last.end) return;
    if (last && (start > last.start || end < last.end)) return;
    out.push({ start, end });
  };
  const chain: Directive[] = [];
  let list = file.directives;
  for (;;) {
    const d = list.find((x) => x.start <= offset && offset <= x.end);
    if (!d) break;
    chain.push(d);
    if (!d.block || offset <= d.headEnd) break;
    list = d.block.children;
  }
  const inner = chain[chain.length - 1];
  if (inner && offset <= inner.headEnd) {
    const arg = inner.args.find((a) => a.start <= offset && offset <= a.end);
    if (arg) {
      const v = variableSpans(text, arg).find((s) => s.start <= offset && offset <= s.end);
      if (v) push(v.start, v.end);
      if (arg.quote) push(arg.start + 1, arg.end - 1);
      push(arg.start, arg.end);
    } else if (offset >= inner.nameStart && offset <= inner.nameEnd) {
      push(inner.nameStart, inner.nameEnd);
    }
    push(inner.start, inner.headEnd);
  }
  for (let i = chain.length - 1; i >= 0; i--) {
    const d = chain[i]!;
    if (d.block && offset > d.headEnd && d.block.end !== null && d.block.start + 1 <= d.block.end - 1) {
      const body = trimRange(text, d.block.start + 1, d.block.end - 1);
      if (body.start <= offset && offset <= body.end) push(body.start, body.end);
    }
    push(d.start, d.end);
  }
  push(0, text.length);
  return out;
}

function trimRange(text: string, start: number, end: number): { start: number; end: number } {
  while (start < end && /\s/.test(text[start]!)) start++;
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return { start, end };
}
