// The formatter. It only ever rewrites the white space between tokens (and trailing white space
// after comments): every word, quoted string, comment and raw Lua body is kept byte for byte, so a
// multi-line log_format, a regex with {3}, an envsubst ${VAR} or a {{ .Path }} template cannot be
// damaged. Rules:
//   - one statement per line, indented by block depth (the editor's tab size / spaces or tabs),
//     except inside a block written on one line, which stays on one line;
//   - one space between a directive's words on a line (inside map/geo/types/split_clients bodies the
//     original spacing is kept, as those are usually aligned tables), none before ";", one before "{";
//   - a statement continued on further lines keeps its continuation lines' alignment relative to
//     its first line (or gets one extra indent level when they were not indented past it);
//   - comments stay where they are: a trailing comment stays on its line after one space;
//   - at most one blank line in a row, none right after "{" or before "}", one line break at the end.
// Safety: a file with syntax problems is refused (no edits), and so is any result whose tokens are
// not exactly the original ones (checked by lexing the result), so the parse tree cannot change.
import { lex } from '../syntax/lexer';
import { parse } from '../syntax/parser';
import type { Token } from '../syntax/token';
import { makeSourceFile } from '../text/source-file';

export interface FormatOptions {
  tabSize: number;
  insertSpaces: boolean;
}

export interface FormatEdit {
  start: number;
  end: number;
  newText: string;
}

export interface FormatResult {
  /** Edits of white space only, in order, not overlapping. Empty when nothing changes or refused. */
  edits: FormatEdit[];
  /** Why the file was not formatted (syntax problems), when it was not. */
  refused?: string;
}

const DATA_BLOCKS = new Set(['map', 'geo', 'types', 'split_clients', 'charset_map', 'match']);

interface Tok {
  kind: Token['kind'];
  start: number;
  /** For comments: the end without trailing blanks. */
  end: number;
  value: string;
}

function tokensOf(text: string): { toks: Tok[]; problems: number } {
  const { tokens, problems } = lex(text);
  const toks = tokens.map((t) => {
    if (t.kind !== 'comment') return { kind: t.kind, start: t.start, end: t.end, value: t.value };
    const trimmed = t.value.replace(/[ \t]+$/, '');
    return { kind: t.kind, start: t.start, end: t.start + trimmed.length, value: trimmed };
  });
  return { toks, problems: problems.length };
}

function newlines(gap: string): number {
  let n = 0;
  for (let i = 0; i < gap.length; i++) {
    const c = gap[i];
    if (c === '\n') n++;
    else if (c === '\r') {
      n++;
      if (gap[i + 1] === '\n') i++;
    }
  }
  return n;
}

/** Visual width of the text between the last line break before `offset` and `offset`. */
function columnAt(text: string, offset: number, tabSize: number): number {
  let i = offset;
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  let col = 0;
  for (; i < offset; i++) col = text[i] === '\t' ? col + tabSize - (col % tabSize) : col + 1;
  return col;
}

/** columnAt for offsets asked in increasing order (tokens in file order): linear over a whole file, even one long line. */
function columns(text: string, tabSize: number): (offset: number) => number {
  let at = 0;
  let col = 0;
  return (offset) => {
    if (offset < at) return columnAt(text, offset, tabSize);
    for (; at < offset; at++) {
      const c = text[at];
      col = c === '\n' || c === '\r' ? 0 : c === '\t' ? col + tabSize - (col % tabSize) : col + 1;
    }
    return col;
  };
}

export function formatText(text: string, options: FormatOptions, range?: { start: number; end: number }): FormatResult {
  const tabSize = Math.max(1, Math.floor(options.tabSize) || 4);
  const colAt = columns(text, tabSize);
  const parsed = parse(makeSourceFile('', text));
  if (parsed.problems.length) {
    const p = parsed.problems[0]!;
    return { edits: [], refused: `not formatted: the file has a syntax problem (${p.message})` };
  }
  const { toks } = tokensOf(text);
  if (!toks.length) return { edits: [] };
  // the file's line ending: that of its first LF (a CR escaped by "\\" belongs to a word, not to a line break)
  const lf = text.indexOf('\n');
  const eol = lf > 0 && text[lf - 1] === '\r' && text[lf - 2] !== '\\' ? '\r\n' : '\n';
  const indent = (cols: number): string =>
    options.insertSpaces ? ' '.repeat(cols) : '\t'.repeat(Math.floor(cols / tabSize)) + ' '.repeat(cols % tabSize);
  const lines = (n: number): string => eol.repeat(n);

  // A block written on one line ("location = /x { access_log off; return 204; }", "events {}") stays
  // on one line, with single spaces inside.
  const inlineOpen = new Set<number>();
  const opens: number[] = [];
  for (let i = 0; i < toks.length; i++) {
    if (toks[i]!.kind === 'lbrace') opens.push(i);
    else if (toks[i]!.kind === 'rbrace' && opens.length) {
      const o = opens.pop()!;
      if (!/[\r\n]/.test(text.slice(toks[o]!.start, toks[i]!.end))) inlineOpen.add(o);
    }
  }
  let inline = 0;
  const inlineStack: boolean[] = [];

  const gaps: FormatEdit[] = [];
  let depth = 0;
  let words = 0;
  let head = '';
  let stmtOrigCol = 0;
  let stmtNewCol = 0;
  const data: boolean[] = [];
  // Columns of the tokens on a statement's first line, before and after formatting: a continuation
  // line aligned under one of them (log_format strings) stays aligned under it.
  let align = new Map<number, number>();
  let firstLine = false;
  let outCol = 0;
  const advance = (s: string): void => {
    const nl = Math.max(s.lastIndexOf('\n'), s.lastIndexOf('\r'));
    const tail = nl >= 0 ? s.slice(nl + 1) : s;
    let col = nl >= 0 ? 0 : outCol;
    for (const c of tail) col = c === '\t' ? col + tabSize - (col % tabSize) : col + 1;
    outCol = col;
  };
  const cont = (t: Tok): string => {
    const orig = colAt(t.start);
    const aligned = align.get(orig);
    if (aligned !== undefined && aligned > stmtNewCol) return indent(aligned);
    return indent(orig > stmtOrigCol ? orig + (stmtNewCol - stmtOrigCol) : stmtNewCol + tabSize);
  };

  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    const p = i > 0 ? toks[i - 1]! : null;
    const start = p ? p.end : 0;
    const gap = text.slice(start, t.start);
    const nl = newlines(gap);
    let next: string;
    if (!p) next = '';
    else if (t.kind === 'raw' || p.kind === 'raw') next = gap;
    else if (inline > 0 && (t.kind === 'rbrace' || (words === 0 && t.kind !== 'lbrace' && t.kind !== 'semicolon'))) {
      next = t.kind === 'rbrace' && p.kind === 'lbrace' ? '' : ' ';
    }
    else if (t.kind === 'comment') {
      if (nl === 0) next = data[data.length - 1] && inline === 0 ? gap : ' ';
      else if (words > 0) next = lines(1) + cont(t);
      else next = lines(p.kind === 'lbrace' ? 1 : Math.min(nl, 2)) + indent(depth * tabSize);
    } else if (t.kind === 'rbrace') {
      next = p.kind === 'lbrace' && nl === 0 ? '' : lines(1) + indent(Math.max(0, depth - 1) * tabSize);
    } else if (t.kind === 'lbrace' || t.kind === 'semicolon') {
      if (p.kind === 'comment') next = lines(1) + cont(t);
      else next = t.kind === 'lbrace' ? ' ' : '';
    } else if (words === 0) {
      next = lines(p.kind === 'lbrace' ? 1 : Math.min(Math.max(nl, 1), 2)) + indent(depth * tabSize);
    } else if (nl === 0 && p.kind !== 'comment') {
      next = data[data.length - 1] ? gap : ' ';
    } else {
      next = lines(1) + cont(t);
    }
    gaps.push({ start, end: t.start, newText: next });
    advance(next);
    if (/[\r\n]/.test(next)) firstLine = false;
    if ((t.kind === 'word' || t.kind === 'string') && words === 0) {
      align = new Map();
      firstLine = true;
    }
    if (firstLine && (t.kind === 'word' || t.kind === 'string')) align.set(colAt(t.start), outCol);
    advance(text.slice(t.start, t.end));

    switch (t.kind) {
      case 'word':
      case 'string':
        if (words === 0) {
          head = t.value;
          stmtOrigCol = colAt(t.start);
          stmtNewCol = depth * tabSize;
        }
        words++;
        break;
      case 'semicolon':
        words = 0;
        break;
      case 'lbrace':
        inlineStack.push(inlineOpen.has(i));
        if (inlineOpen.has(i)) inline++;
        data.push(DATA_BLOCKS.has(head));
        depth++;
        words = 0;
        break;
      case 'rbrace':
        if (inlineStack.pop()) inline--;
        data.pop();
        depth = Math.max(0, depth - 1);
        words = 0;
        break;
      default:
        break;
    }
  }
  const last = toks[toks.length - 1]!;
  gaps.push({ start: last.end, end: text.length, newText: eol });

  let edits = gaps.filter((g) => text.slice(g.start, g.end) !== g.newText);
  if (range) {
    const from = lineStartOf(text, range.start);
    const to = lineEndOf(text, Math.max(range.start, range.end === range.start ? range.end : range.end - (isLineStart(text, range.end) ? 1 : 0)));
    edits = edits.filter((g) => (g.end >= from && g.end <= to) || (g.end === text.length && to >= text.length));
  }
  if (!edits.length) return { edits: [] };
  const result = applyFormatEdits(text, edits);
  if (!sameTokens(text, toks, result, tokensOf(result))) {
    return { edits: [], refused: 'not formatted: the result would not read the same (please report this as a bug)' };
  }
  return { edits };
}

function isLineStart(text: string, offset: number): boolean {
  return offset > 0 && (text[offset - 1] === '\n' || text[offset - 1] === '\r');
}

function lineStartOf(text: string, offset: number): number {
  let i = Math.max(0, Math.min(offset, text.length));
  while (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') i--;
  return i;
}

function lineEndOf(text: string, offset: number): number {
  let i = Math.max(0, Math.min(offset, text.length));
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

export function applyFormatEdits(text: string, edits: readonly FormatEdit[]): string {
  let out = '';
  let pos = 0;
  for (const e of edits) {
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

function sameTokens(textA: string, a: Tok[], textB: string, b: { toks: Tok[]; problems: number }): boolean {
  if (b.problems || a.length !== b.toks.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b.toks[i]!;
    if (x.kind !== y.kind || textA.slice(x.start, x.end) !== textB.slice(y.start, y.end)) return false;
  }
  return true;
}

/** The whole formatted text (for the CLI and tests), or null when refused. */
export function formatDocument(text: string, options: FormatOptions): { text: string; refused?: string } {
  const r = formatText(text, options);
  if (r.refused) return { text, refused: r.refused };
  return { text: applyFormatEdits(text, r.edits) };
}
