// A deliberately small check of PCRE patterns: only the mistakes pcre2_compile() certainly rejects
// (unbalanced parentheses, an unterminated character class, a quantifier with nothing before it,
// a trailing backslash). Anything this scanner does not fully understand (extended mode, POSIX
// classes, unterminated comments) makes it answer "no error". Messages are PCRE2's.

export function regexError(pattern: string): string | null {
  // (?x) makes "#" start comments and white space insignificant: too much to follow here.
  // (*VERB:NAME) names and (*pla:...) assertions have their own syntax.
  if (/\(\?[a-zA-Z^-]*x/.test(pattern) || pattern.includes('(*')) return null;
  let depth = 0;
  let i = 0;
  const n = pattern.length;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (i + 1 >= n) return '\\ at end of pattern';
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        if (end < 0) return null;
        i = end + 2;
        continue;
      }
      i += pattern[i + 1] === 'c' ? 3 : 2;
      continue;
    }
    if (c === '[') {
      const end = classEnd(pattern, i);
      if (end === 'unsure') return null;
      if (end < 0) return 'missing terminating ] for character class';
      i = end + 1;
      continue;
    }
    if (c === '(') {
      if (pattern.startsWith('(?#', i)) {
        const end = pattern.indexOf(')', i);
        if (end < 0) return null;
        i = end + 1;
        continue;
      }
      depth++;
    } else if (c === ')') {
      if (depth === 0) return 'unmatched closing parenthesis';
      depth--;
    } else if ((c === '*' || c === '+' || c === '?') && (i === 0 || pattern[i - 1] === '|') && !escapedAt(pattern, i - 1)) {
      return 'quantifier does not follow a repeatable item';
    }
    i++;
  }
  return depth > 0 ? 'missing closing parenthesis' : null;
}

/** True when the character at i is itself escaped by a backslash. */
function escapedAt(pattern: string, i: number): boolean {
  let k = i - 1;
  let count = 0;
  while (k >= 0 && pattern[k] === '\\') {
    count++;
    k--;
  }
  return count % 2 === 1;
}

/** Index of the "]" closing the class that opens at `start`, -1 when there is none. */
function classEnd(pattern: string, start: number): number | 'unsure' {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      if (pattern[i + 1] === 'Q' || pattern[i + 1] === 'E') return 'unsure';
      i += 2;
      continue;
    }
    // POSIX classes ([:alpha:]) and their relatives nest brackets: leave them to PCRE.
    if (c === '[' && /[:.=]/.test(pattern[i + 1] ?? '')) return 'unsure';
    if (c === ']') return i;
    i++;
  }
  return -1;
}
