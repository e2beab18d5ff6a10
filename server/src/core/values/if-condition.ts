// Reads the head of an `if` block the way ngx_http_rewrite_if_condition does
// (src/http/modules/ngx_http_rewrite_module.c): "(" opens the first token, ")" closes the last,
// then one of: a variable alone, a variable with = != ~ ~* !~ !~* and one operand, or a file test
// (-f -d -e -x and their ! forms) with one operand.
import type { Arg } from '../syntax/ast';

export interface IfToken {
  value: string;
  start: number;
  end: number;
}

export interface IfCondition {
  /** nginx's complaint and the token it names. */
  problem?: { token: IfToken; message: string };
  /** The operand of ~ ~* !~ !~*, compiled as a regex. */
  regex?: { token: IfToken; pattern: string; caseless: boolean };
}

const REGEX_OPERATORS = new Set(['~', '~*', '!~', '!~*']);
const FILE_TESTS = new Set(['-f', '-d', '-e', '-x', '!-f', '!-d', '!-e', '!-x']);

/**
 * nginx's tokens for the arguments: a ")" right after a closing quote is not part of the quoted
 * word but starts a token of its own (the lexer keeps it inside the quoted argument's range).
 */
export function ifTokens(args: readonly Arg[], text: string): IfToken[] {
  const out: IfToken[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const closesAfterQuote = a.quote !== undefined && text[a.end - 1] === ')' && text[a.end - 2] === a.quote;
    if (!closesAfterQuote) {
      out.push({ value: a.value, start: a.start, end: a.end });
      continue;
    }
    out.push({ value: a.value, start: a.start, end: a.end - 1 });
    const next = args[i + 1];
    if (next && next.start === a.end) {
      out.push({ value: ')' + text.slice(next.start, next.end), start: a.end - 1, end: next.end });
      i++;
    } else {
      out.push({ value: ')', start: a.end - 1, end: a.end });
    }
  }
  return out;
}

export function parseIfCondition(tokens: readonly IfToken[]): IfCondition {
  if (tokens.length === 0) return {};
  const v = tokens.map((t) => t.value);
  const at = (i: number): IfToken => tokens[Math.max(0, Math.min(i, tokens.length - 1))]!;
  const invalid = (i: number): IfCondition => ({ problem: { token: at(i), message: `invalid condition "${v[i] ?? ''}"` } });
  let last = v.length - 1;
  if (!v[0]!.startsWith('(')) return invalid(0);
  let cur = 0;
  if (v[0] === '(') cur = 1;
  else v[0] = v[0]!.slice(1);
  if (!v[last]!.endsWith(')')) return invalid(last);
  if (v[last] === ')') last--;
  else v[last] = v[last]!.slice(0, -1);

  const p = v[cur] ?? '';
  if (p.length > 1 && p.startsWith('$')) {
    if (cur !== last && cur + 2 !== last) return invalid(cur);
    if (cur === last) return {};
    const op = v[cur + 1]!;
    if (op === '=' || op === '!=') return {};
    if (REGEX_OPERATORS.has(op)) return { regex: { token: at(last), pattern: v[last]!, caseless: op.endsWith('*') } };
    return { problem: { token: at(cur + 1), message: `unexpected "${op}" in condition` } };
  }
  if ((p.length === 2 && p.startsWith('-')) || (p.length === 3 && p.startsWith('!-'))) {
    if (cur + 1 !== last || !FILE_TESTS.has(p)) return invalid(cur);
    return {};
  }
  return invalid(cur);
}
