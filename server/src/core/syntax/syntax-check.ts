// The syntax problems parse() reports, without building the tree: for documents too big to
// analyse (the language server checks only their syntax). Memory stays flat (a depth counter, no
// directives), and the text is scanned in slices so the caller can pause between them (other
// requests, a newer version of the document). test/fuzz proves the same problems as parse().
import { scanSome, type ScanState, type TokenSink } from './lexer';
import { MAX_BLOCK_DEPTH } from './parser';
import type { SyntaxProblem } from './token';

export class SyntaxCheck {
  readonly problems: SyntaxProblem[] = [];
  private readonly state: ScanState = { pos: 0, head: null };
  /** Words of the statement being read. */
  private words = 0;
  /** Open blocks (parse()'s stack without its root). */
  private depth = 0;
  private tooDeep = false;
  private done = false;

  constructor(private readonly text: string) {}

  /** How far the scan got (characters). */
  get position(): number {
    return this.state.pos;
  }

  /** Scans about `chars` more characters; true when the whole text has been checked. */
  step(chars: number): boolean {
    if (this.done) return true;
    if (scanSome(this.text, this.sink, this.problems, this.state, this.state.pos + chars)) this.finish();
    return this.done;
  }

  private readonly sink: TokenSink = (kind, start, end) => {
    switch (kind) {
      case 'word':
      case 'string':
        this.words++;
        break;
      case 'semicolon':
        if (this.words === 0) this.problems.push({ message: 'unexpected ";"', start, end });
        this.words = 0;
        break;
      case 'lbrace':
        if (this.words === 0) this.problems.push({ message: 'unexpected "{"', start, end });
        else if (this.depth + 1 > MAX_BLOCK_DEPTH && !this.tooDeep) {
          this.problems.push({ message: `blocks nested more than ${MAX_BLOCK_DEPTH} levels deep are not checked`, start, end });
          this.tooDeep = true;
        }
        this.words = 0;
        this.depth++;
        break;
      case 'rbrace':
        if (this.words > 0) this.problems.push({ message: 'unexpected "}"', start, end });
        this.words = 0;
        if (this.depth === 0) this.problems.push({ message: 'unexpected "}"', start, end });
        else this.depth--;
        break;
    }
  };

  private finish(): void {
    this.done = true;
    const eof = this.text.length;
    if (this.words > 0) {
      if (!this.problems.some((p) => p.end === eof)) this.problems.push({ message: 'unexpected end of file, expecting ";" or "}"', start: eof, end: eof });
    } else if (this.depth > 0 && !this.problems.some((p) => p.start === eof)) {
      this.problems.push({ message: 'unexpected end of file, expecting "}"', start: eof, end: eof });
    }
  }
}

/** Every syntax problem of a text, in one go (tests, small texts). */
export function checkSyntax(text: string): SyntaxProblem[] {
  const c = new SyntaxCheck(text);
  c.step(Infinity);
  return c.problems;
}
