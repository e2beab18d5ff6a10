// Splits nginx config text into tokens the way ngx_conf_read_token does (src/core/ngx_conf_file.c):
// words end at white space, ";" or "{" (but "${" continues a word), "}" inside a word is part of
// it, "#" starts a comment only at the start of a token, quotes and backslash escapes as in nginx.
// Bodies of *_by_lua_block directives are kept raw, as lua-nginx-module reads them itself.
import type { SyntaxProblem, Token, TokenKind } from './token';

export interface LexResult {
  tokens: Token[];
  problems: SyntaxProblem[];
}

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Applies nginx's escape rules: \" \' \\ lose the backslash, \t \r \n become control characters. */
export function unescape(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\' && i + 1 < raw.length) {
      const n = raw[i + 1]!;
      if (n === '"' || n === "'" || n === '\\') { out += n; i++; continue; }
      if (n === 't') { out += '\t'; i++; continue; }
      if (n === 'r') { out += '\r'; i++; continue; }
      if (n === 'n') { out += '\n'; i++; continue; }
    }
    out += c;
  }
  return out;
}

/** Receives tokens as the scanner finds them, without a Token object per token. */
export type TokenSink = (kind: TokenKind, start: number, end: number, value: string, quote: '"' | "'" | undefined) => void;

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const problems: SyntaxProblem[] = [];
  scan(text, (kind, start, end, value, quote) => {
    tokens.push(quote ? { kind, start, end, value, quote } : { kind, start, end, value });
  }, problems);
  return { tokens, problems };
}

/** Scans the text and hands every token to `sink` in order; problems are appended to `problems`. */
export function scan(text: string, sink: TokenSink, problems: SyntaxProblem[]): void {
  scanSome(text, sink, problems, { pos: 0, head: null }, Infinity);
}

/** Where a scan stands, so a long text can be scanned in slices (with pauses between them). */
export interface ScanState {
  pos: number;
  /** First word of the statement being read, to know when a "{" opens a raw Lua body. */
  head: string | null;
}

/**
 * Scans from state.pos until the text ends or a token starts at or after `until`; returns true
 * when the text is done. scan() is one call with no limit.
 */
export function scanSome(text: string, sink: TokenSink, problems: SyntaxProblem[], state: ScanState, until: number): boolean {
  const n = text.length;
  let pos = state.pos;
  if (pos === 0 && text.charCodeAt(0) === 0xfeff) {
    // nginx reads the byte order mark as part of the first directive's name.
    problems.push({ message: 'the file starts with a UTF-8 byte order mark (BOM), which nginx reads as part of the first directive name ("unknown directive"); save the file without BOM', start: 0, end: 1 });
    pos = 1;
  }
  let statementHead = state.head;

  while (pos < n) {
    if (pos >= until) {
      state.pos = pos;
      state.head = statementHead;
      return false;
    }
    const code = text.charCodeAt(pos);
    if (code === 32 || code === 10 || code === 9 || code === 13) { pos++; continue; }
    if (code === 35 /* # */) {
      let end = pos;
      while (end < n) {
        const e = text.charCodeAt(end);
        if (e === 10 || e === 13) break;
        end++;
      }
      sink('comment', pos, end, text.slice(pos, end), undefined);
      pos = end;
      continue;
    }
    if (code === 59 /* ; */ || code === 125 /* } */) {
      if (code === 59) sink('semicolon', pos, pos + 1, ';', undefined);
      else sink('rbrace', pos, pos + 1, '}', undefined);
      statementHead = null;
      pos++;
      continue;
    }
    if (code === 123 /* { */) {
      sink('lbrace', pos, pos + 1, '{', undefined);
      pos++;
      if (statementHead !== null && statementHead.endsWith('_by_lua_block')) {
        pos = readLuaBody(text, pos, sink, problems);
      }
      statementHead = null;
      continue;
    }
    if (code === 34 || code === 39) {
      const quote = code === 34 ? '"' : "'";
      pos = readQuoted(text, pos, quote, sink, problems);
      statementHead ??= lastQuoted;
      continue;
    }
    let end = pos;
    while (end < n) {
      const ch = text.charCodeAt(end);
      if (ch === 92 /* \\ */) { end += 2; continue; }
      if (ch === 32 || ch === 10 || ch === 9 || ch === 13 || ch === 59) break;
      if (ch === 123 && !(end > pos && text.charCodeAt(end - 1) === 36 /* $ */)) break;
      end++;
    }
    end = Math.min(end, n);
    const raw = text.slice(pos, end);
    sink('word', pos, end, unescape(raw), undefined);
    statementHead ??= raw;
    pos = end;
  }
  state.pos = pos;
  state.head = statementHead;
  return true;
}

/** The value of the string readQuoted read last. */
let lastQuoted = '';

function readQuoted(text: string, start: number, quote: '"' | "'", sink: TokenSink, problems: SyntaxProblem[]): number {
  const n = text.length;
  let pos = start + 1;
  while (pos < n && text[pos] !== quote) pos += text[pos] === '\\' ? 2 : 1;
  if (pos >= n) {
    problems.push({ message: 'unexpected end of file, expecting ";" or "}"', start, end: n });
    lastQuoted = unescape(text.slice(start + 1));
    sink('string', start, n, lastQuoted, quote);
    return n;
  }
  let end = pos + 1;
  const value = unescape(text.slice(start + 1, pos));
  const next = text[end];
  // nginx needs white space, ";" or "{" after a closing quote; ")" is accepted (and dropped) for if().
  if (next === ')') end++;
  else if (next !== undefined && !isSpace(next) && next !== ';' && next !== '{') {
    problems.push({ message: `unexpected "${next}"`, start: end, end: end + 1 });
  }
  lastQuoted = value;
  sink('string', start, end, value, quote);
  return end;
}

/** Reads a Lua body up to its closing "}" (Lua strings, long brackets and comments respected). */
function readLuaBody(text: string, start: number, sink: TokenSink, problems: SyntaxProblem[]): number {
  const n = text.length;
  let pos = start;
  let depth = 0;
  while (pos < n) {
    const c = text[pos]!;
    if (c === '-' && text[pos + 1] === '-') {
      const long = longBracketAt(text, pos + 2);
      if (long >= 0) { pos = skipLongBracket(text, pos + 2, long); continue; }
      while (pos < n && text[pos] !== '\n') pos++;
      continue;
    }
    if (c === '[') {
      const long = longBracketAt(text, pos);
      if (long >= 0) { pos = skipLongBracket(text, pos, long); continue; }
    }
    if (c === '"' || c === "'") {
      pos++;
      while (pos < n && text[pos] !== c && text[pos] !== '\n') pos += text[pos] === '\\' ? 2 : 1;
      pos++;
      continue;
    }
    if (c === '{') depth++;
    if (c === '}') {
      if (depth === 0) {
        sink('raw', start, pos, text.slice(start, pos), undefined);
        sink('rbrace', pos, pos + 1, '}', undefined);
        return pos + 1;
      }
      depth--;
    }
    pos++;
  }
  sink('raw', start, n, text.slice(start), undefined);
  problems.push({ message: 'unexpected end of file, expecting "}"', start: n, end: n });
  return n;
}

/** Level of a Lua long bracket "[==[" starting at pos, or -1. */
function longBracketAt(text: string, pos: number): number {
  if (text[pos] !== '[') return -1;
  let i = pos + 1;
  while (text[i] === '=') i++;
  return text[i] === '[' ? i - pos - 1 : -1;
}

function skipLongBracket(text: string, pos: number, level: number): number {
  const close = ']' + '='.repeat(level) + ']';
  const end = text.indexOf(close, pos + level + 2);
  return end < 0 ? text.length : end + close.length;
}
