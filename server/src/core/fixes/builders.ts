// Builds edits that keep a file's style: indentation taken from the surrounding lines, the
// file's own line endings, and new directives placed where a person would write them.
import type { TextEdit } from '../diagnostic';
import type { ConfigNode } from '../workspace/config-set';
import type { SourceFile } from '../text/source-file';
import { editableBlock } from './guard';

const EOL = new WeakMap<SourceFile, string>();

/** The file's line ending (scanned once per file: fixes of a huge file ask for it many times). */
export function eolOf(file: SourceFile): string {
  let eol = EOL.get(file);
  if (eol === undefined) EOL.set(file, (eol = file.text.includes('\r\n') ? '\r\n' : '\n'));
  return eol;
}

/** The white space at the start of the line holding offset. */
export function indentAt(file: SourceFile, offset: number): string {
  const line = file.lines.positionAt(offset).line;
  return /^[ \t]*/.exec(file.lines.lineText(line))![0];
}

/** One indentation step as the file uses it (a tab, or the smallest run of spaces seen). */
export function indentUnit(file: SourceFile): string {
  let best = '';
  for (let i = 0; i < Math.min(file.lines.lineCount, 400); i++) {
    const m = /^([ \t]+)\S/.exec(file.lines.lineText(i));
    if (!m) continue;
    if (m[1]!.startsWith('\t')) return '\t';
    if (!best || m[1]!.length < best.length) best = m[1]!;
  }
  return best || '    ';
}

function childIndent(block: ConfigNode): string {
  const file = block.file.source;
  const first = block.d.block?.children[0];
  if (first && file.lines.positionAt(first.start).line !== file.lines.positionAt(block.d.start).line) return indentAt(file, first.start);
  return indentAt(file, block.d.start) + indentUnit(file);
}

/**
 * Inserts directive lines into a block: at its end (before "}") or at its start (after "{").
 * Returns null for blocks that are not closed, or that do not hold directives or stand inside one
 * that does not (geo/map/types data, a lua block, a block opened by mistake: guard.ts).
 */
export function insertIntoBlock(block: ConfigNode, lines: readonly string[], where: 'start' | 'end' = 'end'): TextEdit | null {
  const b = block.d.block;
  if (!b || b.end === null || b.raw || !editableBlock(block)) return null;
  const file = block.file.source;
  const eol = eolOf(file);
  const indent = childIndent(block);
  const body = lines.map((l) => indent + l).join(eol);
  const closeAt = b.end - 1;
  const closeLine = file.lines.positionAt(closeAt).line;
  const openLine = file.lines.positionAt(b.start).line;
  if (closeLine === openLine) {
    // "location / { return 200; }": open the block up onto several lines.
    const outer = indentAt(file, block.d.start);
    const inner = b.children.length ? ' ' : '';
    return where === 'start'
      ? { file: file.path, start: b.start + 1, end: b.start + 1, newText: eol + body + eol + outer + inner.trimEnd() }
      : { file: file.path, start: closeAt, end: closeAt, newText: `${eol}${body}${eol}${outer}` };
  }
  if (where === 'start') {
    const at = file.lines.lineStart(openLine + 1);
    return { file: file.path, start: at, end: at, newText: body + eol };
  }
  const lineStart = file.lines.lineStart(closeLine);
  if (/^[ \t]*$/.test(file.text.slice(lineStart, closeAt))) return { file: file.path, start: lineStart, end: lineStart, newText: body + eol };
  return { file: file.path, start: closeAt, end: closeAt, newText: eol + body + eol + indentAt(file, block.d.start) };
}

/**
 * Inserts lines right after a directive, on their own lines with its indentation; when more
 * text follows on the same line ("location / { proxy_pass x; }"), on that line instead, so the
 * new directives stay inside the same block.
 */
export function insertAfter(node: ConfigNode, lines: readonly string[]): TextEdit {
  const file = node.file.source;
  const eol = eolOf(file);
  const lineEnd = file.lines.lineStart(file.lines.positionAt(node.d.end).line) + file.lines.lineText(file.lines.positionAt(node.d.end).line).length;
  const rest = file.text.slice(node.d.end, lineEnd);
  if (rest.trim() !== '' && !rest.trim().startsWith('#')) {
    return { file: file.path, start: node.d.end, end: node.d.end, newText: ' ' + lines.join(' ') };
  }
  const indent = indentAt(file, node.d.start);
  const line = file.lines.positionAt(node.d.end).line;
  const at = line + 1 < file.lines.lineCount ? file.lines.lineStart(line + 1) : file.text.length;
  const prefix = at === file.text.length && !/\r?\n$/.test(file.text) ? eol : '';
  return { file: file.path, start: at, end: at, newText: prefix + lines.map((l) => indent + l).join(eol) + eol };
}

/** Inserts lines at the top level of a file (after leading comments), for http-level snippets. */
export function insertAtFileTop(file: SourceFile, lines: readonly string[]): TextEdit {
  const eol = eolOf(file);
  let line = 0;
  while (line < file.lines.lineCount && /^\s*(#.*)?$/.test(file.lines.lineText(line)) && file.lines.lineText(line).trim().startsWith('#')) line++;
  // never in front of a byte order mark: it stays the file's first character
  const at = Math.max(file.lines.lineStart(line), file.text.charCodeAt(0) === 0xfeff ? 1 : 0);
  return { file: file.path, start: at, end: at, newText: lines.join(eol) + eol + eol };
}

export function replaceText(file: SourceFile, start: number, end: number, newText: string): TextEdit {
  return { file: file.path, start, end, newText };
}

/** Quotes an argument for nginx when needed. */
export function quoteArg(v: string): string {
  return v === '' || /[\s;{}"'#]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : v;
}
