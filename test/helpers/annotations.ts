// Reads expectations written as nginx comments under the flagged text:
//     gzip yes;
//   #      ^^^ error[invalid-flag-value]: invalid value "yes" in "gzip" directive, it must be "on" or "off"
// Carets mark columns of the nearest preceding line that is not an annotation; one caret asserts
// only the start, several also the end; "# <- ..." points at column 0. A message ending in "..."
// matches as a prefix.

export interface Expectation {
  line: number;
  column: number;
  endColumn?: number;
  severity: string;
  code: string;
  message: string;
  prefix: boolean;
  annotationLine: number;
}

const ANNOTATION = /^(\s*#\s*)(\^+|<-+)\s+(error|warning|info|hint)\[([a-z0-9-]+)\]:\s?(.*)$/;

export function isAnnotation(line: string): boolean {
  return ANNOTATION.test(line);
}

export function readExpectations(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) {
      target = i;
      return;
    }
    // "<-" points at column 0, where a caret cannot stand (the "#" is there).
    const arrow = m[2]!.startsWith('<');
    const column = arrow ? 0 : m[1]!.length;
    const carets = arrow ? 1 : m[2]!.length;
    const message = m[5]!.trimEnd();
    const prefix = message.endsWith('...');
    out.push({
      line: target,
      column,
      ...(carets > 1 ? { endColumn: column + carets } : {}),
      severity: m[3]!,
      code: m[4]!,
      message: prefix ? message.slice(0, -3) : message,
      prefix,
      annotationLine: i,
    });
  });
  return out;
}

/** The text with annotation lines removed (what a .fixed.conf is compared with). */
export function stripAnnotations(text: string): string {
  return text.split(/(?<=\n)/).filter((l) => !isAnnotation(l.replace(/\r?\n$/, ''))).join('');
}
