// Translates nginx's PCRE2 patterns (non-UTF mode: one byte = one character) into JavaScript
// regexes that give the same yes/no answer on byte strings (see bytes.ts). Every character class,
// escape and case-insensitive letter is compiled to an explicit set of bytes, so JavaScript's
// own ideas of \s, "." or case folding never come into play. Named groups (?P<n>...) become
// (?<n>...), inline flags (?i) (?s) (?m) (?x) are applied while translating (also scoped and
// mid-pattern), atomic groups and possessive quantifiers are emulated with a lookahead and a
// back reference. What JavaScript cannot express (recursion, conditionals, \p, UTF mode ...) is
// refused with a reason instead of being approximated.
//
// The translated regexes never run on JavaScript's backtracking engine (a hostile config and
// log could stall it for minutes: `location ~ ^/(a+)+$` against "/aaaa...!"). runPcre uses
// re2js, a linear-time RE2 port, for patterns without back references or lookaround (and
// subjects without a newline, where PCRE's "$" and "(?m)^" need lookaround), and the
// step-budgeted matcher of regex-vm.ts for the rest; when the budget runs out the answer is
// "uncertain: regex too costly to evaluate", never a stall.

import { RE2JS } from 're2js';
import { BUDGET_EXCEEDED, compileRegex, RegexTooComplex, vmExec, type Program } from './regex-vm';

export type Translation =
  | {
      ok: true;
      /** The JavaScript regex (what the translation means; tests compare the engines with it, product code never runs it). */
      re: RegExp;
      source: string;
      /** PCRE capture number -> JavaScript capture number (they differ after atomic groups). */
      groups: number[];
      /**
       * True when the regex relies on a case-insensitive back reference (JavaScript's "i" flag in
       * `re`). The budgeted matcher folds ASCII only, as PCRE does.
       */
      asciiOnly: boolean;
      /** The same pattern for RE2 (valid on subjects without "\n"), or null when RE2 cannot express it. */
      re2Source: string | null;
    }
  | { ok: false; reason: string };

export type CompiledPcre = Extract<Translation, { ok: true }>;

export interface PcreMatch {
  /** Captures by JavaScript group number (0: the whole match); undefined when a group did not take part. */
  captures: (string | undefined)[];
  groups: Record<string, string | undefined> | undefined;
}

export type PcreRun =
  | { known: true; m: PcreMatch | null }
  | { known: false; m: null; reason: string };

/**
 * Steps of the budgeted matcher: for one regex evaluation when nothing else is set, and for every
 * regex of one request or log line (withRegexBudget in Matcher.match and Explainer.explain). About
 * 10-20 ms of CPU per 100,000 steps on this slow shared machine: a hostile line stays under 50 ms.
 */
export const REGEX_STEP_BUDGET = 200_000;
export const LINE_REGEX_BUDGET = 250_000;
/** Longest subject x pattern size the linear engine takes on (its time grows with both). */
const RE2_WORK_LIMIT = 4_000_000;
export const TOO_COSTLY = 'regex too costly to evaluate';

/** Steps left for the regexes evaluated while it is the current budget. */
export interface RegexBudget {
  steps: number;
}
let current: RegexBudget | null = null;

/**
 * Runs fn with at most `steps` budgeted-matcher steps for all its regex evaluations (and no more
 * than an enclosing budget has left, which is charged with what fn used).
 */
export function withRegexBudget<T>(steps: number, fn: () => T): T {
  const outer = current;
  const initial = outer ? Math.min(steps, outer.steps) : steps;
  const b: RegexBudget = { steps: initial };
  current = b;
  try {
    return fn();
  } finally {
    current = outer;
    if (outer) outer.steps -= initial - b.steps;
  }
}

/**
 * Runs fn with `pool` as the enclosing budget (a whole editor request that yields between
 * chunks of lines, so a synchronous withRegexBudget cannot span it).
 */
export function withRegexPool<T>(pool: RegexBudget, fn: () => T): T {
  const outer = current;
  current = pool;
  try {
    return fn();
  } finally {
    current = outer;
  }
}

interface Engines {
  re2?: RE2JS | null;
  vm?: Program | string;
}
const engines = new WeakMap<CompiledPcre, Engines>();
const NO_CAPTURES: PcreMatch = { captures: [], groups: undefined };

/**
 * Runs a translated regex on a byte string. `captures`: the caller needs the groups (rewrite),
 * not only yes/no. known=false (with the reason) when the answer cannot be given within the budget.
 */
export function runPcre(t: CompiledPcre, subject: string, captures = false): PcreRun {
  let e = engines.get(t);
  if (!e) engines.set(t, (e = {}));
  if (t.re2Source !== null && subject.indexOf('\n') < 0) {
    if (e.re2 === undefined) e.re2 = compileRe2(t.re2Source);
    if (e.re2 && subject.length * t.re2Source.length <= RE2_WORK_LIMIT) {
      if (!captures) return { known: true, m: e.re2.test(subject) ? NO_CAPTURES : null };
      const r = e.re2.exec(subject) as (Array<string | undefined> & { groups?: Record<string, string | undefined> }) | null;
      return { known: true, m: r ? { captures: [...r], groups: r.groups } : null };
    }
  }
  if (e.vm === undefined) {
    try {
      e.vm = compileRegex(t.source, t.asciiOnly);
    } catch (err) {
      if (!(err instanceof RegexTooComplex)) throw err;
      e.vm = err.message;
    }
  }
  if (typeof e.vm === 'string') return { known: false, m: null, reason: TOO_COSTLY };
  const budget = current ?? { steps: REGEX_STEP_BUDGET };
  if (budget.steps <= 0) return { known: false, m: null, reason: TOO_COSTLY };
  try {
    const r = vmExec(e.vm, subject, budget);
    return { known: true, m: r ? { captures: r.captures, groups: r.groups } : null };
  } catch (err) {
    if (err === BUDGET_EXCEEDED) return { known: false, m: null, reason: TOO_COSTLY };
    throw err;
  }
}

function compileRe2(source: string): RE2JS | null {
  try {
    return RE2JS.compile(source);
  } catch {
    return null;
  }
}

interface Flags {
  i: boolean;
  s: boolean;
  m: boolean;
  x: boolean;
}

class Unsupported extends Error {}

const cache = new Map<string, Translation>();

/** Translate a PCRE pattern (as written in the config) for matching byte strings. */
export function translatePcre(pattern: string, caseless = false): Translation {
  const key = `${caseless ? 'i' : '-'}${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let result: Translation;
  try {
    const bytes = toByteString(pattern);
    const t = new Translator(bytes, caseless, 'js');
    const source = t.run();
    try {
      result = { ok: true, re: new RegExp(source, t.needsIFlag ? 'i' : ''), source, groups: t.groupMap, asciiOnly: t.needsIFlag, re2Source: re2Translation(bytes, caseless) };
    } catch (e) {
      result = { ok: false, reason: `the translated pattern is not valid in JavaScript (${(e as Error).message})` };
    }
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    result = { ok: false, reason: e.message };
  }
  if (cache.size > 5000) cache.clear();
  cache.set(key, result);
  return result;
}

/** The RE2 form (for subjects without "\n"), or null when the pattern needs back references or lookaround. */
function re2Translation(bytes: string, caseless: boolean): string | null {
  try {
    return new Translator(bytes, caseless, 're2').run();
  } catch (e) {
    if (e instanceof Unsupported) return null;
    throw e;
  }
}

function toByteString(s: string): string {
  // inline UTF-8 encode (same as bytes.toBytes, kept local to avoid a cycle of tiny modules)
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) out += ch;
    else if (c < 0x800) out += String.fromCharCode(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out += String.fromCharCode(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out += String.fromCharCode(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

// ----- byte sets ------------------------------------------------------------------------------

type ByteSet = boolean[];

const newSet = (): ByteSet => new Array<boolean>(256).fill(false);
const addRange = (s: ByteSet, lo: number, hi: number): void => {
  for (let c = lo; c <= hi; c++) s[c] = true;
};
const setOf = (spec: string): ByteSet => {
  // spec: "a-z0-9_" style, with \xHH allowed
  const s = newSet();
  const chars: number[] = [];
  for (let i = 0; i < spec.length; i++) {
    if (spec[i] === '\\' && spec[i + 1] === 'x') {
      chars.push(parseInt(spec.slice(i + 2, i + 4), 16));
      i += 3;
    } else chars.push(spec.charCodeAt(i));
  }
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === 0x2d && i + 2 < chars.length) {
      addRange(s, chars[i]!, chars[i + 2]!);
      i += 2;
    } else s[chars[i]!] = true;
  }
  return s;
};
const negate = (s: ByteSet): ByteSet => s.map((v) => !v);
const union = (a: ByteSet, b: ByteSet): void => {
  for (let c = 0; c < 256; c++) if (b[c]) a[c] = true;
};
const foldCase = (s: ByteSet): void => {
  for (let c = 0x41; c <= 0x5a; c++) {
    if (s[c] || s[c + 32]) s[c] = s[c + 32] = true;
  }
};

const DIGIT = setOf('0-9');
const WORD = setOf('0-9A-Za-z_');
const SPACE = setOf('\\x09-\\x0d ');
const HSPACE = setOf('\\x09 \\xa0');
const VSPACE = setOf('\\x0a-\\x0d\\x85');
const NEWLINE = setOf('\\x0a');
const POSIX: Record<string, ByteSet> = {
  alpha: setOf('A-Za-z'),
  digit: DIGIT,
  alnum: setOf('0-9A-Za-z'),
  upper: setOf('A-Z'),
  lower: setOf('a-z'),
  space: SPACE,
  blank: setOf(' \\x09'),
  punct: setOf('!-/:-@[-`{-~'),
  xdigit: setOf('0-9A-Fa-f'),
  word: WORD,
  cntrl: setOf('\\x00-\\x1f\\x7f'),
  graph: setOf('!-~'),
  print: setOf(' -~'),
  ascii: setOf('\\x00-\\x7f'),
};

const hex2 = (c: number): string => c.toString(16).padStart(2, '0');

/** A JavaScript class for a byte set: "[...]" with \xHH ranges; never empty. */
function emitSet(s: ByteSet): string {
  let count = 0;
  for (let c = 0; c < 256; c++) if (s[c]) count++;
  if (count === 256) return '[\\s\\S]';
  if (count === 0) return '[^\\s\\S]';
  let out = '';
  for (let c = 0; c < 256; c++) {
    if (!s[c]) continue;
    let e = c;
    while (e + 1 < 256 && s[e + 1]) e++;
    out += e === c ? `\\x${hex2(c)}` : e === c + 1 ? `\\x${hex2(c)}\\x${hex2(e)}` : `\\x${hex2(c)}-\\x${hex2(e)}`;
    c = e;
  }
  return `[${out}]`;
}

function emitByte(c: number, caseless: boolean): string {
  const isLetter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (caseless && isLetter) {
    const lo = c | 0x20;
    return `[${String.fromCharCode(lo - 32)}${String.fromCharCode(lo)}]`;
  }
  if ((c >= 0x30 && c <= 0x39) || isLetter || c === 0x5f) return String.fromCharCode(c);
  return `\\x${hex2(c)}`;
}

// ----- the translator -----------------------------------------------------------------------

interface Group {
  flags: Flags;
  /** Index in `out` where the group's text starts (its "(" ). */
  start: number;
  /** Closing text to append. */
  close: string;
}

class Translator {
  private pos = 0;
  private readonly out: string[] = [];
  private flags: Flags;
  private readonly stack: Group[] = [];
  /** PCRE capture number -> JavaScript capture number. */
  readonly groupMap: number[] = [0];
  private jsGroups = 0;
  private readonly names = new Set<string>();
  /** Start (index in out) of the last atom, for quantifiers. -1: nothing quantifiable. */
  private lastAtom = -1;
  /** Some part of the pattern is case-sensitive. */
  private sensitivePart = false;
  /** A back reference sits in a case-insensitive part. */
  private caselessBackref = false;

  /** The translation needs JavaScript's "i" flag (uniformly caseless pattern with back references). */
  get needsIFlag(): boolean {
    return this.caselessBackref;
  }

  constructor(
    private readonly p: string,
    caseless: boolean,
    /** 're2': for subjects without "\n" ("$" is the end, "(?m)^" the start), no lookaround or back references. */
    private readonly target: 'js' | 're2' = 'js',
  ) {
    this.flags = { i: caseless, s: false, m: false, x: false };
  }

  run(): string {
    this.startVerbs();
    while (this.pos < this.p.length) {
      if (!this.flags.i) this.sensitivePart = true;
      this.step();
    }
    if (this.stack.length) throw new Unsupported('missing ")" in the pattern');
    if (this.caselessBackref && this.sensitivePart) {
      throw new Unsupported('a back reference in a case-insensitive part of a partly case-sensitive pattern cannot be translated exactly');
    }
    return this.out.join('');
  }

  private fail(why: string): never {
    throw new Unsupported(why);
  }

  private notForRe2(what: string): void {
    if (this.target === 're2') this.fail(`${what} needs a backtracking matcher`);
  }

  private startVerbs(): void {
    for (;;) {
      const m = /^\(\*([A-Z_0-9]+(?:=\d+)?)\)/.exec(this.p.slice(this.pos));
      if (!m) return;
      if (!/^(LF|NO_JIT|NO_START_OPT|NO_AUTO_POSSESS|NO_DOTSTAR_ANCHOR)$/.test(m[1]!)) {
        this.fail(`the start-of-pattern option (*${m[1]}) is not supported (it changes how PCRE reads the subject)`);
      }
      this.pos += m[0].length;
    }
  }

  private atom(text: string): void {
    this.lastAtom = this.out.length;
    this.out.push(text);
  }

  private step(): void {
    const p = this.p;
    const c = p[this.pos]!;
    if (this.flags.x) {
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
        this.pos++;
        return;
      }
      if (c === '#') {
        while (this.pos < p.length && p[this.pos] !== '\n') this.pos++;
        return;
      }
    }
    switch (c) {
      case '\\':
        this.escape();
        return;
      case '[':
        this.pos++;
        this.atom(emitSet(this.classBody()));
        return;
      case '(':
        this.openGroup();
        return;
      case ')':
        this.closeGroup();
        return;
      case '|':
        this.pos++;
        this.out.push('|');
        this.lastAtom = -1;
        return;
      case '.':
        this.pos++;
        this.atom(this.flags.s ? '[\\s\\S]' : emitSet(negate(NEWLINE)));
        return;
      case '^':
        this.pos++;
        this.out.push(this.target === 're2' ? '^' : this.flags.m ? '(?:^|(?<=\\n)(?!$))' : '^');
        this.lastAtom = -1;
        return;
      case '$':
        this.pos++;
        this.out.push(this.target === 're2' ? '$' : this.flags.m ? '(?=\\n|$)' : '(?=\\n?$)');
        this.lastAtom = -1;
        return;
      case '*':
      case '+':
      case '?':
        this.quantifier(c);
        return;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(p.slice(this.pos));
        if (m) {
          this.quantifier(m[0]);
          return;
        }
        this.pos++;
        this.atom('\\{');
        return;
      }
      default:
        this.pos++;
        this.atom(emitByte(c.charCodeAt(0), this.flags.i));
    }
  }

  private quantifier(q: string): void {
    this.pos += q.length;
    if (this.lastAtom < 0) this.fail(`quantifier "${q}" does not follow a repeatable item`);
    let text = q;
    const next = this.p[this.pos];
    if (next === '?') {
      text += '?';
      this.pos++;
    } else if (next === '+') {
      // possessive: X*+ is the atomic group (?>X*)
      this.pos++;
      this.notForRe2('a possessive quantifier');
      const body = this.out.splice(this.lastAtom).join('') + q;
      const n = ++this.jsGroups;
      this.out.push(`(?:(?=(${body}))\\${n})`);
      this.lastAtom = -1;
      return;
    }
    this.out.push(text);
    this.lastAtom = -1;
  }

  private openGroup(): void {
    const p = this.p;
    const rest = p.slice(this.pos);
    const start = this.out.length;
    const push = (open: string, close: string, flags: Flags = { ...this.flags }): void => {
      this.stack.push({ flags: this.flags, start, close });
      this.flags = flags;
      this.out.push(open);
      this.lastAtom = -1;
    };
    if (!rest.startsWith('(?') && !rest.startsWith('(*')) {
      this.pos++;
      this.capture();
      push('(', ')');
      return;
    }
    if (rest.startsWith('(*')) this.fail(`backtracking control verbs like "${/^\(\*[^)]*\)?/.exec(rest)![0]}" are not supported`);
    let m: RegExpExecArray | null;
    if (rest.startsWith('(?#')) {
      const end = p.indexOf(')', this.pos);
      if (end < 0) this.fail('unterminated comment (?#');
      this.pos = end + 1;
      return;
    }
    if ((m = /^\(\?(?:P?<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)')/.exec(rest))) {
      const name = m[1] ?? m[2]!;
      if (this.names.has(name)) this.fail(`the group name "${name}" is used twice (PCRE's (?J) duplicate names cannot be expressed in JavaScript)`);
      this.names.add(name);
      this.pos += m[0].length;
      this.capture();
      push(`(?<${name}>`, ')');
      return;
    }
    if ((m = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest))) {
      this.pos += m[0].length;
      this.namedBackref(m[1]!);
      return;
    }
    if ((m = /^\(\?(:|=|!|<=|<!)/.exec(rest))) {
      this.pos += m[0].length;
      if (m[1] !== ':') this.notForRe2('lookaround');
      push(`(?${m[1]}`, ')');
      return;
    }
    if (rest.startsWith('(?>')) {
      this.pos += 3;
      this.notForRe2('an atomic group');
      const n = ++this.jsGroups;
      push('(?:(?=(', `))\\${n})`);
      return;
    }
    if ((m = /^\(\?([imsxnUJ]*)(?:-([imsxnUJ]*))?(\)|:)/.exec(rest)) || (m = /^\(\?\^([imsxnUJ]*)()(\)|:)/.exec(rest))) {
      const on = m[1] ?? '';
      const off = m[2] ?? '';
      const bad = /[nUJ]/.exec(on + off);
      if (bad) this.fail(`the inline option "${bad[0]}" is not supported`);
      const flags: Flags = rest.startsWith('(?^') ? { i: false, s: false, m: false, x: false } : { ...this.flags };
      for (const f of on) flags[f as keyof Flags] = true;
      for (const f of off) flags[f as keyof Flags] = false;
      if (/xx/.test(on)) this.fail('the inline option "xx" is not supported');
      this.pos += m[0].length;
      if (m[3] === ')') {
        this.flags = flags; // until the end of the enclosing group
        return;
      }
      push('(?:', ')', flags);
      return;
    }
    if (/^\(\?(R|[+-]?\d+\)|&|P>)/.test(rest)) this.fail('recursion and subroutine calls ((?R), (?1), (?&name)) are not supported');
    if (rest.startsWith('(?|')) this.fail('branch reset groups (?|...) are not supported');
    if (rest.startsWith('(?(')) this.fail('conditional groups (?(...)...) are not supported');
    if (rest.startsWith('(?C')) this.fail('callouts (?C...) are not supported');
    this.fail(`unknown group syntax "${rest.slice(0, 4)}"`);
  }

  private capture(): void {
    this.groupMap.push(++this.jsGroups);
  }

  private closeGroup(): void {
    this.pos++;
    const g = this.stack.pop();
    if (!g) this.fail('unmatched ")" in the pattern');
    this.out.push(g.close);
    this.flags = g.flags;
    this.lastAtom = g.start;
  }

  private backref(pcreNumber: number): void {
    this.notForRe2('a back reference');
    if (this.flags.i) this.caselessBackref = true;
    const js = this.groupMap[pcreNumber];
    if (js === undefined) this.fail(`back reference to group ${pcreNumber}, which is not defined before it`);
    this.atom(`(?:\\${js})`);
  }

  private namedBackref(name: string): void {
    this.notForRe2('a back reference');
    if (this.flags.i) this.caselessBackref = true;
    if (!this.names.has(name)) this.fail(`back reference to group "${name}", which is not defined before it`);
    this.atom(`\\k<${name}>`);
  }

  private escape(): void {
    const p = this.p;
    const rest = p.slice(this.pos);
    const e = p[this.pos + 1];
    if (e === undefined) this.fail('the pattern ends with "\\"');
    let m: RegExpExecArray | null;
    if (e === 'Q') {
      const end = p.indexOf('\\E', this.pos + 2);
      const lit = end < 0 ? p.slice(this.pos + 2) : p.slice(this.pos + 2, end);
      this.pos = end < 0 ? p.length : end + 2;
      for (const ch of lit) this.atom(emitByte(ch.charCodeAt(0), this.flags.i));
      return;
    }
    if (e === 'E') {
      this.pos += 2;
      return;
    }
    const set = this.setEscape(e);
    if (set) {
      this.pos += 2;
      this.atom(emitSet(set));
      return;
    }
    switch (e) {
      case 'b':
      case 'B':
        this.pos += 2;
        this.out.push(`\\${e}`);
        this.lastAtom = -1;
        return;
      case 'A':
      case 'G': // nginx always matches from offset 0, where \G is \A
        this.pos += 2;
        this.out.push('^');
        this.lastAtom = -1;
        return;
      case 'z':
        this.pos += 2;
        this.out.push('$');
        this.lastAtom = -1;
        return;
      case 'Z':
        this.pos += 2;
        this.out.push(this.target === 're2' ? '$' : '(?=\\n?$)');
        this.lastAtom = -1;
        return;
      case 'K': // only moves the start of the reported match; the yes/no answer is the same
        this.pos += 2;
        return;
      case 'R':
        this.pos += 2;
        this.atom('(?:\\x0d\\x0a|[\\x0a-\\x0d\\x85])');
        return;
      case 'C':
        this.pos += 2;
        this.atom('[\\s\\S]');
        return;
      case 'g': {
        if ((m = /^\\g(?:\{(-?\d+)\}|(-?\d+))/.exec(rest))) {
          this.pos += m[0].length;
          let n = Number(m[1] ?? m[2]);
          if (n < 0) n = this.groupMap.length + n;
          this.backref(n);
          return;
        }
        if ((m = /^\\g\{([A-Za-z_]\w*)\}/.exec(rest))) {
          this.pos += m[0].length;
          this.namedBackref(m[1]!);
          return;
        }
        this.fail('subroutine calls (\\g<...>) are not supported');
      }
      // falls through (fail never returns)
      case 'k': {
        if ((m = /^\\k(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{([A-Za-z_]\w*)\})/.exec(rest))) {
          this.pos += m[0].length;
          this.namedBackref(m[1] ?? m[2] ?? m[3]!);
          return;
        }
        this.fail('malformed \\k back reference');
      }
      // falls through
      case 'p':
      case 'P':
      case 'X':
        this.fail(`Unicode property escapes (\\${e}) are not supported`);
    }
    if (e >= '1' && e <= '9') {
      m = /^\\(\d+)/.exec(rest)!;
      const n = Number(m[1]);
      if (n < 10 || e === '8' || e === '9' || n < this.groupMap.length) {
        this.pos += m[0].length;
        this.backref(n);
        return;
      }
    }
    const byte = this.byteEscape(false);
    this.atom(emitByte(byte, this.flags.i));
  }

  /** Sets for \d \D \w \W \s \S \h \H \v \V \N (outside classes), or null. */
  private setEscape(e: string): ByteSet | null {
    switch (e) {
      case 'd': return DIGIT.slice();
      case 'D': return negate(DIGIT);
      case 'w': return WORD.slice();
      case 'W': return negate(WORD);
      case 's': return SPACE.slice();
      case 'S': return negate(SPACE);
      case 'h': return HSPACE.slice();
      case 'H': return negate(HSPACE);
      case 'v': return VSPACE.slice();
      case 'V': return negate(VSPACE);
      case 'N': return negate(NEWLINE);
    }
    return null;
  }

  /** Reads one escape that stands for a single byte, at this.pos ("\"), and advances. */
  private byteEscape(inClass: boolean): number {
    const p = this.p;
    const rest = p.slice(this.pos);
    const e = p[this.pos + 1]!;
    let m: RegExpExecArray | null;
    const simple: Record<string, number> = { a: 7, e: 0x1b, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09 };
    if (inClass && e === 'b') {
      this.pos += 2;
      return 8;
    }
    if (e in simple) {
      this.pos += 2;
      return simple[e]!;
    }
    if ((m = /^\\x\{([0-9A-Fa-f]+)\}/.exec(rest)) || (m = /^\\x([0-9A-Fa-f]{0,2})/.exec(rest))) {
      const v = m[1] ? parseInt(m[1], 16) : 0;
      if (v > 0xff) this.fail(`\\x{${m[1]}} is above 0xff, which needs PCRE's UTF mode`);
      this.pos += m[0].length;
      return v;
    }
    if ((m = /^\\o\{([0-7]+)\}/.exec(rest))) {
      const v = parseInt(m[1]!, 8);
      if (v > 0xff) this.fail(`\\o{${m[1]}} is above 0xff`);
      this.pos += m[0].length;
      return v;
    }
    if ((m = /^\\([0-7]{1,3})/.exec(rest))) {
      const v = parseInt(m[1]!, 8);
      if (v > 0xff) this.fail(`the octal escape \\${m[1]} is above 0xff`);
      this.pos += m[0].length;
      return v;
    }
    if ((m = /^\\c([\x20-\x7e])/.exec(rest))) {
      this.pos += 3;
      return m[1]!.toUpperCase().charCodeAt(0) ^ 0x40;
    }
    if (/[A-Za-z0-9]/.test(e)) this.fail(`the escape "\\${e}" is not supported`);
    this.pos += 2;
    return e.charCodeAt(0);
  }

  /** A character class after "[", up to and including "]", as a byte set (case folding applied). */
  private classBody(): ByteSet {
    const p = this.p;
    let negated = false;
    if (p[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const set = newSet();
    let first = true;
    for (;;) {
      if (this.pos >= p.length) this.fail('missing "]" for a character class');
      const c = p[this.pos]!;
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      let m: RegExpExecArray | null;
      if (c === '[' && (m = /^\[:(\^?)([a-z]+):\]/.exec(p.slice(this.pos)))) {
        const posix = POSIX[m[2]!];
        if (!posix) this.fail(`unknown POSIX class [:${m[2]}:]`);
        union(set, m[1] ? negate(posix) : posix);
        this.pos += m[0].length;
        continue;
      }
      if (c === '\\' && p[this.pos + 1] === 'Q') {
        const end = p.indexOf('\\E', this.pos + 2);
        const lit = end < 0 ? p.slice(this.pos + 2) : p.slice(this.pos + 2, end);
        for (const ch of lit) set[ch.charCodeAt(0)] = true;
        this.pos = end < 0 ? p.length : end + 2;
        continue;
      }
      if (c === '\\' && p[this.pos + 1] === 'E') {
        this.pos += 2;
        continue;
      }
      if (c === '\\') {
        const e = p[this.pos + 1];
        if (e === undefined) this.fail('the pattern ends with "\\"');
        const s = e === 'N' ? null : this.setEscape(e);
        if (s) {
          union(set, s);
          this.pos += 2;
          continue;
        }
        if (e === 'p' || e === 'P' || e === 'X' || e === 'R' || e === 'N') this.fail(`\\${e} inside a character class is not supported`);
      }
      const lo = this.classByte();
      if (p[this.pos] === '-' && p[this.pos + 1] !== ']' && this.pos + 1 < p.length) {
        const save = this.pos;
        this.pos++;
        const nc = p[this.pos]!;
        const isSetEscape = nc === '\\' && /[dDwWsShHvV]/.test(p[this.pos + 1] ?? '');
        const isPosix = nc === '[' && /^\[:\^?[a-z]+:\]/.test(p.slice(this.pos));
        if (isSetEscape || isPosix) {
          // "a-\d": the "-" is a literal
          set[lo] = true;
          set[0x2d] = true;
          continue;
        }
        const hi = this.classByte();
        if (hi < lo) {
          this.pos = save;
          this.fail('a range out of order in a character class');
        }
        addRange(set, lo, hi);
        continue;
      }
      set[lo] = true;
    }
    if (this.flags.i) foldCase(set);
    return negated ? negate(set) : set;
  }

  private classByte(): number {
    const c = this.p[this.pos]!;
    if (c !== '\\') {
      this.pos++;
      return c.charCodeAt(0);
    }
    return this.byteEscape(true);
  }
}
