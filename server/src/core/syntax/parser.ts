// Error-tolerant parser: builds the directive tree from tokens and never throws. Problems use the
// wording of nginx's ngx_conf_parse / ngx_conf_read_token so users recognise them from `nginx -t`.
import { lex } from './lexer';
import type { Arg, Block, Directive, ParsedFile } from './ast';
import type { SyntaxProblem, Token } from './token';
import type { SourceFile } from '../text/source-file';

interface Frame {
  owner: Directive | null;
  children: Directive[];
  /** A "{" with no directive before it: its contents stay in the enclosing block. */
  detached?: boolean;
}

/**
 * Deepest block nesting kept in the tree. Real configs stay below 20 levels; deeper blocks (a
 * fuzzer's or an attacker's 10,000 levels) are reported once and their contents left out of the
 * tree, so nothing that walks the tree recursively can overflow the stack.
 */
export const MAX_BLOCK_DEPTH = 256;

export function parse(source: SourceFile): ParsedFile {
  const { tokens, problems } = lex(source.text);
  const comments: Token[] = [];
  const root: Frame = { owner: null, children: [] };
  const stack: Frame[] = [root];
  let words: Token[] = [];
  let tooDeep = false;
  const top = (): Frame => stack[stack.length - 1]!;

  const emit = (terminator: ';' | '{' | null, end: number): Directive => {
    const [head, ...rest] = words;
    const frame = top();
    const last = rest.length ? rest[rest.length - 1]! : head!;
    const d: Directive = {
      name: head!.value,
      nameStart: head!.start,
      nameEnd: head!.end,
      nameQuoted: head!.kind === 'string',
      args: rest.map(toArg),
      block: null,
      terminator,
      start: head!.start,
      end,
      headEnd: last.end,
      parent: frame.owner,
    };
    frame.children.push(d);
    words = [];
    return d;
  };

  for (const tok of tokens) {
    switch (tok.kind) {
      case 'comment':
        comments.push(tok);
        break;
      case 'word':
      case 'string':
        words.push(tok);
        break;
      case 'semicolon':
        if (words.length === 0) problem(problems, 'unexpected ";"', tok);
        else emit(';', tok.end);
        break;
      case 'lbrace':
        if (words.length === 0) {
          problem(problems, 'unexpected "{"', tok);
          stack.push({ owner: top().owner, children: top().children, detached: true });
        } else {
          const d = emit('{', tok.end);
          d.block = { start: tok.start, end: null, children: [] };
          if (stack.length > MAX_BLOCK_DEPTH) {
            if (!tooDeep) problem(problems, `blocks nested more than ${MAX_BLOCK_DEPTH} levels deep are not checked`, tok);
            tooDeep = true;
            // the contents are parsed (to find the matching "}") into a list that is not kept
            stack.push({ owner: d, children: [] });
          } else stack.push({ owner: d, children: d.block.children });
        }
        break;
      case 'raw': {
        const block = top().owner?.block;
        if (block) block.raw = { text: tok.value, start: tok.start, end: tok.end };
        break;
      }
      case 'rbrace':
        if (words.length > 0) {
          problem(problems, 'unexpected "}"', tok);
          emit(null, words[words.length - 1]!.end);
        }
        if (stack.length === 1) {
          problem(problems, 'unexpected "}"', tok);
        } else {
          const frame = stack.pop()!;
          closeBlock(frame, tok.end);
        }
        break;
    }
  }
  const eof = source.text.length;
  if (words.length > 0) {
    // An unterminated quote was already reported by the lexer, with a range up to here.
    if (!problems.some((p) => p.end === eof)) problems.push({ message: 'unexpected end of file, expecting ";" or "}"', start: eof, end: eof });
    emit(null, words[words.length - 1]!.end);
  } else if (stack.length > 1 && !problems.some((p) => p.start === eof)) {
    problems.push({ message: 'unexpected end of file, expecting "}"', start: eof, end: eof });
  }
  while (stack.length > 1) {
    const frame = stack.pop()!;
    if (!frame.detached && frame.owner?.block) frame.owner.end = lastEnd(frame.owner);
  }
  return { source, directives: root.children, comments, problems };
}

function closeBlock(frame: Frame, end: number): void {
  const owner = frame.owner;
  if (frame.detached || !owner?.block) return;
  owner.block.end = end;
  owner.end = end;
}

function lastEnd(d: Directive): number {
  const kids = d.block?.children ?? [];
  return kids.length ? Math.max(d.headEnd, lastEnd(kids[kids.length - 1]!)) : d.headEnd;
}

function toArg(t: Token): Arg {
  return t.kind === 'string' && t.quote
    ? { value: t.value, start: t.start, end: t.end, quote: t.quote }
    : { value: t.value, start: t.start, end: t.end };
}

function problem(list: SyntaxProblem[], message: string, tok: Token): void {
  list.push({ message, start: tok.start, end: tok.end });
}

/** Walks every directive of a tree, depth first, in file order. */
export function* walk(directives: readonly Directive[]): Generator<Directive> {
  for (const d of directives) {
    yield d;
    if (d.block) yield* walk(d.block.children);
  }
}

export type { Block };
