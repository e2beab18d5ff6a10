// A config file's text with its path and line index, created once per file version.
import { LineIndex } from './line-index';

export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly lines: LineIndex;
}

export function makeSourceFile(path: string, text: string): SourceFile {
  return { path, text, lines: new LineIndex(text) };
}
