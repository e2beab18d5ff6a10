// The syntax tree of one config file. Offsets are UTF-16 indexes into the file text.
import type { SyntaxProblem, Token } from './token';
import type { SourceFile } from '../text/source-file';

export interface Arg {
  value: string;
  start: number;
  end: number;
  quote?: '"' | "'";
}

export interface Block {
  /** Offset of "{". */
  start: number;
  /** Offset just after the closing "}", or null when the file ended first. */
  end: number | null;
  children: Directive[];
  /** The body text of a raw block (*_by_lua_block). */
  raw?: { text: string; start: number; end: number };
}

export interface Directive {
  name: string;
  nameStart: number;
  nameEnd: number;
  /** True when the name was written in quotes. */
  nameQuoted: boolean;
  args: Arg[];
  block: Block | null;
  /** How the statement ended: ";", "{", or null when it was cut off ("}" or end of file). */
  terminator: ';' | '{' | null;
  start: number;
  /** Offset after ";" or after the block's "}" (or the last token when cut off). */
  end: number;
  /** Offset just after the last argument (or the name): the end of the directive's head. */
  headEnd: number;
  parent: Directive | null;
}

export interface ParsedFile {
  source: SourceFile;
  directives: Directive[];
  comments: Token[];
  problems: SyntaxProblem[];
}
