// Splits nginx config text into tokens the way ngx_conf_read_token does (src/core/ngx_conf_file.c):
// words end at white space, ";" or "{" (but "${" continues a word), "}" inside a word is part of
// it, "#" starts a comment only at the start of a token, quotes and backslash escapes as in nginx.
// Bodies of *_by_lua_block directives are kept raw, as lua-nginx-module reads them itself.
import type { SyntaxProblem, Token } from './token';

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

export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const problems: SyntaxProblem[] = [];
  const n = text.length;
  let pos = 0;
  if (text.charCodeAt(0) === 0xfeff) {
    // nginx reads the byte order mark as part of the first directive's name.
    problems.push({ message: 'the file starts with a UTF-8 byte order mark (BOM), which nginx reads as part of the first directive name ("unknown directive"); save the file without BOM', start: 0, end: 1 });
    pos = 1;
  }
  // First word of the statement being read, to know when a "{" opens a raw Lua body.
  let statementHead: string | null = null;

  while (pos < n) {
    const c = text[pos]!;
    if (isSpace(c)) { pos++; continue; }
    if (c === '#') {
      let end = pos;
      while (end < n && text[end] !== '\n' && text[end] !== '\r') end++;
      tokens.push({ kind: 'comment', start: pos, end, value: text.slice(pos, end) });
      pos = end;
      continue;
    }
    if (c === ';' || c === '}') {
      tokens.push({ kind: c === ';' ? 'semicolon' : 'rbrace', start: pos, end: pos + 1, value: c });
      statementHead = null;
      pos++;
      continue;
    }
    if (c === '{') {
      tokens.push({ kind: 'lbrace', start: pos, end: pos + 1, value: c });
      pos++;
      if (statementHead !== null && /_by_lua_block$/.test(statementHead)) {
        pos = readLuaBody(text, pos, tokens, problems);
      }
      statementHead = null;
      continue;
    }
    if (c === '"' || c === "'") {
      pos = readQuoted(text, pos, c, tokens, problems);
      statementHead ??= tokens[tokens.length - 1]!.value;
      continue;
    }
    let end = pos;
    while (end < n) {
      const ch = text[end]!;
      if (ch === '\\') { end += 2; continue; }
      if (isSpace(ch) || ch === ';') break;
      if (ch === '{' && !(end > pos && text[end - 1] === '$')) break;
      end++;
    }
    end = Math.min(end, n);
    const raw = text.slice(pos, end);
    tokens.push({ kind: 'word', start: pos, end, value: unescape(raw) });
    statementHead ??= raw;
    pos = end;
  }
  return { tokens, problems };
}

function readQuoted(text: string, start: number, quote: '"' | "'", tokens: Token[], problems: SyntaxProblem[]): number {
  const n = text.length;
  let pos = start + 1;
  while (pos < n && text[pos] !== quote) pos += text[pos] === '\\' ? 2 : 1;
  if (pos >= n) {
    problems.push({ message: 'unexpected end of file, expecting ";" or "}"', start, end: n });
    tokens.push({ kind: 'string', start, end: n, value: unescape(text.slice(start + 1)), quote });
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
  tokens.push({ kind: 'string', start, end, value, quote });
  return end;
}

/** Reads a Lua body up to its closing "}" (Lua strings, long brackets and comments respected). */
function readLuaBody(text: string, start: number, tokens: Token[], problems: SyntaxProblem[]): number {
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
        tokens.push({ kind: 'raw', start, end: pos, value: text.slice(start, pos) });
        tokens.push({ kind: 'rbrace', start: pos, end: pos + 1, value: '}' });
        return pos + 1;
      }
      depth--;
    }
    pos++;
  }
  tokens.push({ kind: 'raw', start, end: n, value: text.slice(start) });
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
