// The core's own diagnostic type; the CLI and the LSP layer convert it at their edges.

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface Related {
  file: string;
  start: number;
  end: number;
  message: string;
}

export interface TextEdit {
  file: string;
  start: number;
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
}

export interface Diagnostic {
  file: string;
  /** UTF-16 offsets into the file's text. */
  start: number;
  end: number;
  severity: Severity;
  /** The rule id. */
  code: string;
  message: string;
  related?: Related[];
  fixes?: Fix[];
}
