// Error-tolerant parser: builds the directive tree from tokens and never throws. Problems use the
// wording of nginx's ngx_conf_parse / ngx_conf_read_token so users recognise them from `nginx -t`.
import { scan, type TokenSink } from './lexer';
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
  const problems: SyntaxProblem[] = [];
  const comments: Token[] = [];
  const root: Frame = { owner: null, children: [] };
  const stack: Frame[] = [root];
  // The words of the statement being read, kept in reused columns instead of Token objects.
  const wStart: number[] = [];
  const wEnd: number[] = [];
  const wValue: string[] = [];
  const wQuote: (Quote | undefined)[] = [];
  const wString: boolean[] = [];
  let words = 0;
  let tooDeep = false;
  const top = (): Frame => stack[stack.length - 1]!;

  const emit = (terminator: ';' | '{' | null, end: number): Directive => {
    const frame = top();
    // exactly sized (push would leave spare capacity in every one of 200k arrays)
    const args: Arg[] = new Array<Arg>(words - 1);
    for (let i = 1; i < words; i++) {
      const quote = wQuote[i];
      args[i - 1] = wString[i] && quote ? { value: wValue[i]!, start: wStart[i]!, end: wEnd[i]!, quote } : { value: wValue[i]!, start: wStart[i]!, end: wEnd[i]! };
    }
    const d: Directive = {
      name: internName(wValue[0]!),
      nameStart: wStart[0]!,
      nameEnd: wEnd[0]!,
      nameQuoted: wString[0]!,
      args,
      block: null,
      terminator,
      start: wStart[0]!,
      end,
      headEnd: wEnd[words - 1]!,
      parent: frame.owner,
    };
    frame.children.push(d);
    words = 0;
    return d;
  };
  const problem = (message: string, start: number, end: number): void => {
    problems.push({ message, start, end });
  };

  const sink: TokenSink = (kind, start, end, value, quote) => {
    switch (kind) {
      case 'comment':
        comments.push({ kind, start, end, value });
        break;
      case 'word':
      case 'string':
        wStart[words] = start;
        wEnd[words] = end;
        wValue[words] = value;
        wQuote[words] = quote;
        wString[words] = kind === 'string';
        words++;
        break;
      case 'semicolon':
        if (words === 0) problem('unexpected ";"', start, end);
        else emit(';', end);
        break;
      case 'lbrace':
        if (words === 0) {
          problem('unexpected "{"', start, end);
          stack.push({ owner: top().owner, children: top().children, detached: true });
        } else {
          const d = emit('{', end);
          d.block = { start, end: null, children: [] };
          if (stack.length > MAX_BLOCK_DEPTH) {
            if (!tooDeep) problem(`blocks nested more than ${MAX_BLOCK_DEPTH} levels deep are not checked`, start, end);
            tooDeep = true;
            // the contents are parsed (to find the matching "}") into a list that is not kept
            stack.push({ owner: d, children: [] });
          } else stack.push({ owner: d, children: d.block.children });
        }
        break;
      case 'raw': {
        const block = top().owner?.block;
        if (block) block.raw = { text: value, start, end };
        break;
      }
      case 'rbrace':
        if (words > 0) {
          problem('unexpected "}"', start, end);
          emit(null, wEnd[words - 1]!);
        }
        if (stack.length === 1) {
          problem('unexpected "}"', start, end);
        } else {
          const frame = stack.pop()!;
          closeBlock(frame, end);
        }
        break;
    }
  };
  scan(source.text, sink, problems);

  const eof = source.text.length;
  if (words > 0) {
    // An unterminated quote was already reported by the lexer, with a range up to here.
    if (!problems.some((p) => p.end === eof)) problems.push({ message: 'unexpected end of file, expecting ";" or "}"', start: eof, end: eof });
    emit(null, wEnd[words - 1]!);
  } else if (stack.length > 1 && !problems.some((p) => p.start === eof)) {
    problems.push({ message: 'unexpected end of file, expecting "}"', start: eof, end: eof });
  }
  while (stack.length > 1) {
    const frame = stack.pop()!;
    if (!frame.detached && frame.owner?.block) frame.owner.end = lastEnd(frame.owner);
  }
  return { source, directives: exact(root.children), comments, problems };
}

type Quote = '"' | "'";

// Directive names repeat (200k directives, a few hundred names): one string per name saves memory
// and makes every later lookup by name (indexes, catalog) hash and compare one string.
const NAMES = new Map<string, string>();
const MAX_NAMES = 20_000;

function internName(name: string): string {
  if (name.length > 48) return name;
  const known = NAMES.get(name);
  if (known !== undefined) return known;
  if (NAMES.size >= MAX_NAMES) return name;
  // the engine's own copy (a property key): never a slice that keeps a file's text alive, and
  // compared with the names written in the rules by identity
  const own = Object.keys({ [name]: 0 })[0]!;
  NAMES.set(own, own);
  return own;
}

function closeBlock(frame: Frame, end: number): void {
  const owner = frame.owner;
  if (frame.detached || !owner?.block) return;
  owner.block.end = end;
  owner.end = end;
  owner.block.children = exact(owner.block.children);
}

/** A copy without the spare capacity push leaves (most blocks hold a few directives). */
function exact<T>(list: T[]): T[] {
  return list.length ? list.slice() : list;
}

function lastEnd(d: Directive): number {
  const kids = d.block?.children ?? [];
  return kids.length ? Math.max(d.headEnd, lastEnd(kids[kids.length - 1]!)) : d.headEnd;
}

/** Walks every directive of a tree, depth first, in file order. */
export function* walk(directives: readonly Directive[]): Generator<Directive> {
  for (const d of directives) {
    yield d;
    if (d.block) yield* walk(d.block.children);
  }
}

export type { Block };
