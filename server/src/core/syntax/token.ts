// Token kinds produced by the lexer; offsets are UTF-16 indexes into the file text.

export type TokenKind = 'word' | 'string' | 'semicolon' | 'lbrace' | 'rbrace' | 'comment' | 'raw';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Unescaped value for words and strings; the text for comments and raw bodies. */
  value: string;
  /** The quote character of a string token. */
  quote?: '"' | "'";
}

export interface SyntaxProblem {
  message: string;
  start: number;
  end: number;
}
