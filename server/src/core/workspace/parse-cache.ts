// Keeps parsed files between analyses, so unchanged files (and includes) are not parsed again.
import { parse } from '../syntax/parser';
import type { ParsedFile } from '../syntax/ast';
import { makeSourceFile } from '../text/source-file';

export class ParseCache {
  private readonly map = new Map<string, ParsedFile>();

  get(path: string, text: string): ParsedFile {
    const hit = this.map.get(path);
    if (hit && hit.source.text === text) return hit;
    const parsed = parse(makeSourceFile(path, text));
    this.map.set(path, parsed);
    return parsed;
  }

  delete(path: string): void {
    this.map.delete(path);
  }

  get size(): number {
    return this.map.size;
  }
}
