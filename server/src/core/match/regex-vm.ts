// A backtracking regex matcher with a step budget, for the translated patterns (pcre.ts) that a
// linear-time engine cannot run: back references, lookahead and lookbehind, atomic groups and
// possessive quantifiers (emulated by the translator with a lookahead and a back reference).
// It reads the JavaScript source the translator emits (a small subset: byte classes, literal
// bytes, groups, lookaround, quantifiers, ^ $ \b \B, back references) and runs it on byte strings
// with an explicit backtrack stack (no recursion on the subject, so no stack overflow) and a step
// counter: past the budget it gives up, and the caller answers "uncertain" instead of stalling.
// Captures keep the value of the last iteration that set them, as PCRE does.

export class RegexTooComplex extends Error {}

/** Thrown (and caught by the caller) when a match runs out of steps. */
export const BUDGET_EXCEEDED = Symbol('regex budget exceeded');

type Node =
  | { t: 'set'; set: Uint8Array }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; alts: Node[] }
  | { t: 'group'; cap: number | null; body: Node }
  | { t: 'look'; behind: boolean; neg: boolean; body: Node }
  | { t: 'rep'; min: number; max: number; greedy: boolean; body: Node }
  | { t: 'bol' }
  | { t: 'eol' }
  | { t: 'wordb'; neg: boolean }
  | { t: 'backref'; n: number };

// ----- parsing the translator's JavaScript source ---------------------------------------------

class Parser {
  pos = 0;
  groups = 0;
  readonly names = new Map<string, number>();
  constructor(private readonly s: string) {}

  fail(why: string): never {
    throw new RegexTooComplex(`${why} at ${this.pos} in ${this.s.slice(0, 80)}`);
  }

  parse(): Node {
    const n = this.alt();
    if (this.pos < this.s.length) this.fail('unexpected ")"');
    return n;
  }

  private alt(): Node {
    const alts = [this.seq()];
    while (this.s[this.pos] === '|') {
      this.pos++;
      alts.push(this.seq());
    }
    return alts.length === 1 ? alts[0]! : { t: 'alt', alts };
  }

  private seq(): Node {
    const items: Node[] = [];
    while (this.pos < this.s.length && this.s[this.pos] !== '|' && this.s[this.pos] !== ')') {
      const atom = this.atom();
      items.push(this.quantified(atom));
    }
    return items.length === 1 ? items[0]! : { t: 'seq', items };
  }

  private quantified(atom: Node): Node {
    const s = this.s;
    let min = -1;
    let max = 0;
    const c = s[this.pos];
    if (c === '*') [min, max] = [0, Infinity];
    else if (c === '+') [min, max] = [1, Infinity];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(s.slice(this.pos));
      if (!m) return atom;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] ? Number(m[3]) : Infinity;
      this.pos += m[0].length - 1;
    } else return atom;
    this.pos++;
    let greedy = true;
    if (s[this.pos] === '?') {
      greedy = false;
      this.pos++;
    }
    return { t: 'rep', min, max, greedy, body: atom };
  }

  private atom(): Node {
    const s = this.s;
    const c = s[this.pos]!;
    if (c === '(') return this.group();
    if (c === '[') return { t: 'set', set: this.cls() };
    if (c === '^') {
      this.pos++;
      return { t: 'bol' };
    }
    if (c === '$') {
      this.pos++;
      return { t: 'eol' };
    }
    if (c === '\\') return this.escape();
    if (c === '.' || c === '*' || c === '+' || c === '?' || c === '{') this.fail(`unexpected "${c}"`);
    this.pos++;
    return { t: 'set', set: one(c.charCodeAt(0)) };
  }

  private group(): Node {
    const rest = this.s.slice(this.pos, this.pos + 4);
    let node: (body: Node) => Node;
    if (rest.startsWith('(?:')) {
      this.pos += 3;
      node = (body) => body;
    } else if (rest.startsWith('(?=') || rest.startsWith('(?!')) {
      const neg = rest[2] === '!';
      this.pos += 3;
      node = (body) => ({ t: 'look', behind: false, neg, body });
    } else if (rest.startsWith('(?<=') || rest.startsWith('(?<!')) {
      const neg = rest[3] === '!';
      this.pos += 4;
      node = (body) => ({ t: 'look', behind: true, neg, body });
    } else if (rest.startsWith('(?<')) {
      const m = /^\(\?<([A-Za-z_]\w*)>/.exec(this.s.slice(this.pos));
      if (!m) this.fail('bad group name');
      this.pos += m[0].length;
      const cap = ++this.groups;
      this.names.set(m[1]!, cap);
      node = (body) => ({ t: 'group', cap, body });
    } else if (rest.startsWith('(?')) {
      this.fail('unknown group');
    } else {
      this.pos++;
      const cap = ++this.groups;
      node = (body) => ({ t: 'group', cap, body });
    }
    const body = this.alt();
    if (this.s[this.pos] !== ')') this.fail('missing ")"');
    this.pos++;
    return node(body);
  }

  private escape(): Node {
    const s = this.s;
    const e = s[this.pos + 1];
    if (e === undefined) this.fail('trailing "\\"');
    if (e === 'x') {
      const h = s.slice(this.pos + 2, this.pos + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(h)) this.fail('bad \\x');
      this.pos += 4;
      return { t: 'set', set: one(parseInt(h, 16)) };
    }
    if (e === 'b' || e === 'B') {
      this.pos += 2;
      return { t: 'wordb', neg: e === 'B' };
    }
    if (e === 'k') {
      const m = /^\\k<([A-Za-z_]\w*)>/.exec(s.slice(this.pos));
      const n = m ? this.names.get(m[1]!) : undefined;
      if (!m || n === undefined) this.fail('bad \\k');
      this.pos += m[0].length;
      return { t: 'backref', n };
    }
    if (e >= '1' && e <= '9') {
      const m = /^\\(\d+)/.exec(s.slice(this.pos))!;
      this.pos += m[0].length;
      return { t: 'backref', n: Number(m[1]) };
    }
    const control = CONTROL[e];
    if (control === undefined && /[A-Za-z0-9]/.test(e)) this.fail(`escape \\${e}`);
    this.pos += 2;
    return { t: 'set', set: one(control ?? e.charCodeAt(0)) };
  }

  private cls(): Uint8Array {
    const s = this.s;
    this.pos++;
    let negated = false;
    if (s[this.pos] === '^') {
      negated = true;
      this.pos++;
    }
    const set = new Uint8Array(256);
    if (s.startsWith('\\s\\S]', this.pos)) {
      this.pos += 5;
      set.fill(1);
    } else {
      for (;;) {
        if (this.pos >= s.length) this.fail('missing "]"');
        if (s[this.pos] === ']') {
          this.pos++;
          break;
        }
        const lo = this.classChar();
        if (s[this.pos] === '-' && s[this.pos + 1] !== ']') {
          this.pos++;
          const hi = this.classChar();
          for (let c = lo; c <= hi && c < 256; c++) set[c] = 1;
        } else if (lo < 256) set[lo] = 1;
      }
    }
    if (negated) for (let c = 0; c < 256; c++) set[c] = set[c] ? 0 : 1;
    return set;
  }

  private classChar(): number {
    const s = this.s;
    if (s[this.pos] !== '\\') return s.charCodeAt(this.pos++);
    const e = s[this.pos + 1];
    if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(this.pos + 2, this.pos + 4))) {
      this.pos += 4;
      return parseInt(s.slice(this.pos - 2, this.pos), 16);
    }
    if (e === undefined || (CONTROL[e] === undefined && /[A-Za-z0-9]/.test(e))) this.fail(`class escape \\${e ?? ''}`);
    this.pos += 2;
    return CONTROL[e] ?? e.charCodeAt(0);
  }
}

const CONTROL: Record<string, number> = { n: 10, r: 13, t: 9, f: 12, v: 11 };

function one(c: number): Uint8Array {
  const s = new Uint8Array(256);
  if (c < 256) s[c] = 1;
  return s;
}

// ----- compiling to a program -----------------------------------------------------------------

const CHAR = 0;
const SPLIT = 1; // a: preferred, b: alternative
const JMP = 2;
const SAVE = 3; // a: register
const BOL = 4;
const EOL = 5;
const WORDB = 6;
const NWORDB = 7;
const BACKREF = 8; // a: group
const LOOK = 9; // a: index in looks
const MARK = 10; // a: register := position
const CHECK = 11; // a: register; fails when the position did not move (an empty loop iteration)
const MATCH = 12;
const ATPOS = 13; // a: register; fails unless the position equals it (end of a lookbehind body)

/** Most instructions a program may have (counted repetitions are unrolled). */
const MAX_PROGRAM = 20_000;

interface Look {
  start: number;
  behind: boolean;
  neg: boolean;
  /** Register holding the end position a lookbehind body must reach. */
  reg: number;
  minLen: number;
  maxLen: number;
}

export interface Program {
  op: Int32Array;
  a: Int32Array;
  b: Int32Array;
  sets: Uint8Array[];
  looks: Look[];
  /** Capture groups (not counting group 0). */
  groups: number;
  names: Map<string, number>;
  registers: number;
  caseless: boolean;
  anchored: boolean;
}

class Compiler {
  op: number[] = [];
  a: number[] = [];
  b: number[] = [];
  sets: Uint8Array[] = [];
  setIndex = new Map<string, number>();
  looks: Look[] = [];
  registers: number;

  constructor(groups: number) {
    this.registers = 2 * (groups + 1);
  }

  emit(op: number, a = 0, b = 0): number {
    if (this.op.length >= MAX_PROGRAM) throw new RegexTooComplex('the pattern is too large to evaluate with a budget');
    this.op.push(op);
    this.a.push(a);
    this.b.push(b);
    return this.op.length - 1;
  }

  node(n: Node): void {
    switch (n.t) {
      case 'set': {
        const key = n.set.join('');
        let i = this.setIndex.get(key);
        if (i === undefined) {
          i = this.sets.push(n.set) - 1;
          this.setIndex.set(key, i);
        }
        this.emit(CHAR, i);
        return;
      }
      case 'seq':
        for (const x of n.items) this.node(x);
        return;
      case 'alt': {
        const jumps: number[] = [];
        n.alts.forEach((alt, k) => {
          if (k < n.alts.length - 1) {
            const split = this.emit(SPLIT);
            this.a[split] = split + 1;
            this.node(alt);
            jumps.push(this.emit(JMP));
            this.b[split] = this.op.length;
          } else this.node(alt);
        });
        for (const j of jumps) this.a[j] = this.op.length;
        return;
      }
      case 'group':
        if (n.cap === null) {
          this.node(n.body);
          return;
        }
        this.emit(SAVE, 2 * n.cap);
        this.node(n.body);
        this.emit(SAVE, 2 * n.cap + 1);
        return;
      case 'look': {
        const li = this.looks.length;
        const [minLen, maxLen] = lengths(n.body);
        const look: Look = { start: 0, behind: n.behind, neg: n.neg, reg: n.behind ? this.registers++ : -1, minLen, maxLen };
        this.looks.push(look);
        const at = this.emit(LOOK, li);
        const skip = this.emit(JMP);
        look.start = this.op.length;
        this.node(n.body);
        if (n.behind) this.emit(ATPOS, look.reg);
        this.emit(MATCH);
        this.a[skip] = this.op.length;
        void at;
        return;
      }
      case 'rep':
        this.rep(n);
        return;
      case 'bol':
        this.emit(BOL);
        return;
      case 'eol':
        this.emit(EOL);
        return;
      case 'wordb':
        this.emit(n.neg ? NWORDB : WORDB);
        return;
      case 'backref':
        this.emit(BACKREF, n.n);
        return;
    }
  }

  private rep(n: Extract<Node, { t: 'rep' }>): void {
    for (let i = 0; i < n.min; i++) this.node(n.body);
    if (n.max === Infinity) {
      const reg = this.registers++;
      const loop = this.emit(SPLIT);
      this.emit(MARK, reg);
      this.node(n.body);
      this.emit(CHECK, reg);
      this.emit(JMP, loop);
      const exit = this.op.length;
      this.a[loop] = n.greedy ? loop + 1 : exit;
      this.b[loop] = n.greedy ? exit : loop + 1;
      return;
    }
    const splits: number[] = [];
    for (let i = n.min; i < n.max; i++) {
      const split = this.emit(SPLIT);
      splits.push(split);
      this.node(n.body);
    }
    const exit = this.op.length;
    for (const s of splits) {
      this.a[s] = n.greedy ? s + 1 : exit;
      this.b[s] = n.greedy ? exit : s + 1;
    }
  }
}

/** Shortest and longest text a node can match (Infinity when unbounded or unknown). */
function lengths(n: Node): [number, number] {
  switch (n.t) {
    case 'set':
      return [1, 1];
    case 'seq':
      return n.items.reduce<[number, number]>((acc, x) => {
        const [lo, hi] = lengths(x);
        return [acc[0] + lo, acc[1] + hi];
      }, [0, 0]);
    case 'alt': {
      const all = n.alts.map(lengths);
      return [Math.min(...all.map((x) => x[0])), Math.max(...all.map((x) => x[1]))];
    }
    case 'group':
      return lengths(n.body);
    case 'rep': {
      const [lo, hi] = lengths(n.body);
      return [lo * n.min, hi === 0 ? 0 : hi * n.max];
    }
    case 'backref':
      return [0, Infinity];
    default:
      return [0, 0];
  }
}

export function compileRegex(source: string, caseless: boolean): Program {
  const p = new Parser(source);
  const tree = p.parse();
  const c = new Compiler(p.groups);
  c.emit(SAVE, 0);
  c.node(tree);
  c.emit(SAVE, 1);
  c.emit(MATCH);
  return {
    op: Int32Array.from(c.op),
    a: Int32Array.from(c.a),
    b: Int32Array.from(c.b),
    sets: c.sets,
    looks: c.looks,
    groups: p.groups,
    names: p.names,
    registers: c.registers,
    caseless,
    anchored: startsAnchored(tree),
  };
}

function startsAnchored(n: Node): boolean {
  switch (n.t) {
    case 'bol':
      return true;
    case 'seq':
      return n.items.length > 0 && startsAnchored(n.items[0]!);
    case 'alt':
      return n.alts.every(startsAnchored);
    case 'group':
      return startsAnchored(n.body);
    default:
      return false;
  }
}

// ----- running --------------------------------------------------------------------------------

const BRANCH = 0;
const RESTORE = 1;

const isWord = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);

class Run {
  steps = 0;
  stack: Int32Array = shared.length ? shared.pop()! : new Int32Array(3 * 1024);
  sp = 0;
  readonly n: number;
  constructor(
    readonly p: Program,
    readonly s: string,
    readonly budget: number,
    readonly regs: Int32Array,
  ) {
    this.n = s.length;
  }

  release(): void {
    if (shared.length < 4 && this.stack.length <= 1 << 16) shared.push(this.stack);
  }

  private grow(): Int32Array {
    const bigger = new Int32Array(this.stack.length * 2);
    bigger.set(this.stack);
    return (this.stack = bigger);
  }

  private push(kind: number, x: number, y: number): void {
    if (this.sp + 3 > this.stack.length) this.grow();
    this.stack[this.sp++] = kind;
    this.stack[this.sp++] = x;
    this.stack[this.sp++] = y;
  }

  /** Runs from pc at pos until MATCH (returns the position) or failure (-1); registers are undone on failure. */
  run(pc: number, pos: number): number {
    const { op, a, b, sets } = this.p;
    const s = this.s;
    const n = this.n;
    const regs = this.regs;
    const base = this.sp;
    let stack = this.stack;
    let sp = this.sp;
    let steps = this.steps;
    const budget = this.budget;
    for (;;) {
      if (++steps > budget) {
        this.steps = steps;
        throw BUDGET_EXCEEDED;
      }
      let ok = true;
      switch (op[pc]) {
        case CHAR:
          if (pos < n && sets[a[pc]!]![s.charCodeAt(pos)] === 1) {
            pos++;
            pc++;
          } else ok = false;
          break;
        case SPLIT:
          if (sp + 3 > stack.length) {
            this.sp = sp;
            stack = this.grow();
          }
          stack[sp++] = BRANCH;
          stack[sp++] = b[pc]!;
          stack[sp++] = pos;
          pc = a[pc]!;
          break;
        case JMP:
          pc = a[pc]!;
          break;
        case SAVE:
        case MARK: {
          const r = a[pc]!;
          if (sp + 3 > stack.length) {
            this.sp = sp;
            stack = this.grow();
          }
          stack[sp++] = RESTORE;
          stack[sp++] = r;
          stack[sp++] = regs[r]!;
          regs[r] = pos;
          pc++;
          break;
        }
        case CHECK:
          if (regs[a[pc]!] === pos) ok = false;
          else pc++;
          break;
        case BOL:
          if (pos === 0) pc++;
          else ok = false;
          break;
        case EOL:
          if (pos === n) pc++;
          else ok = false;
          break;
        case WORDB:
        case NWORDB: {
          const before = pos > 0 && isWord(s.charCodeAt(pos - 1));
          const after = pos < n && isWord(s.charCodeAt(pos));
          if ((before !== after) === (op[pc] === WORDB)) pc++;
          else ok = false;
          break;
        }
        case BACKREF: {
          const g = a[pc]!;
          const from = regs[2 * g]!;
          const to = regs[2 * g + 1]!;
          if (from < 0 || to < 0) {
            pc++; // an unset group matches the empty string (JavaScript)
            break;
          }
          const len = to - from;
          steps += len; // comparing costs as much as matching the text again
          if (pos + len > n) {
            ok = false;
            break;
          }
          for (let i = 0; i < len && ok; i++) {
            const x = s.charCodeAt(from + i);
            const y = s.charCodeAt(pos + i);
            ok = x === y || (this.p.caseless && fold(x) === fold(y));
          }
          if (ok) {
            pos += len;
            pc++;
          }
          break;
        }
        case LOOK: {
          const look = this.p.looks[a[pc]!]!;
          this.sp = sp;
          this.steps = steps;
          const matched = this.look(look, pos);
          stack = this.stack;
          sp = this.sp;
          steps = this.steps;
          if (matched !== look.neg) pc++;
          else ok = false;
          break;
        }
        case ATPOS:
          if (pos === regs[a[pc]!]) pc++;
          else ok = false;
          break;
        case MATCH:
          this.sp = base;
          this.steps = steps;
          return pos;
      }
      if (ok) continue;
      // backtrack: undo registers until a branch to resume
      for (;;) {
        if (sp === base) {
          this.sp = sp;
          this.steps = steps;
          return -1;
        }
        const y = stack[--sp]!;
        const x = stack[--sp]!;
        if (stack[--sp] === RESTORE) regs[x] = y;
        else {
          pc = x;
          pos = y;
          break;
        }
      }
    }
  }

  /** Runs a lookaround body at pos (atomic: its inner choices are not revisited). */
  private look(look: Look, pos: number): boolean {
    const before = this.regs.slice();
    let found = false;
    if (!look.behind) found = this.run(look.start, pos) >= 0;
    else {
      const lo = look.maxLen === Infinity ? 0 : Math.max(0, pos - look.maxLen);
      for (let from = pos - look.minLen; from >= lo && !found; from--) {
        this.regs[look.reg] = pos;
        found = this.run(look.start, from) >= 0;
      }
      this.regs[look.reg] = before[look.reg]!;
    }
    if (!found || look.neg) {
      this.regs.set(before);
      return found;
    }
    // keep the captures a positive lookaround set, undoably
    for (let i = 0; i < before.length; i++) {
      if (this.regs[i] !== before[i]) this.push(RESTORE, i, before[i]!);
    }
    return true;
  }
}

/** Backtrack stacks kept between runs (one run at a time: JavaScript is single-threaded). */
const shared: Int32Array[] = [];

export type VmMatch = { index: number; captures: (string | undefined)[]; groups: Record<string, string | undefined> | undefined };

/**
 * The leftmost match of the program in the subject, null when there is none. Throws
 * BUDGET_EXCEEDED after `budget.steps` steps (over all start positions); the steps taken are
 * subtracted from the budget either way.
 */
export function vmExec(p: Program, s: string, budget: { steps: number }): VmMatch | null {
  const regs = new Int32Array(p.registers).fill(-1);
  const run = new Run(p, s, budget.steps, regs);
  try {
    return search(run, p, s, regs);
  } finally {
    budget.steps -= run.steps;
    run.release();
  }
}

function search(run: Run, p: Program, s: string, regs: Int32Array): VmMatch | null {
  const last = p.anchored ? 0 : s.length;
  for (let start = 0; start <= last; start++) {
    regs.fill(-1);
    if (run.run(0, start) < 0) continue;
    const captures: (string | undefined)[] = [];
    for (let g = 0; g <= p.groups; g++) {
      const from = regs[2 * g]!;
      const to = regs[2 * g + 1]!;
      captures.push(from >= 0 && to >= from ? s.slice(from, to) : undefined);
    }
    let groups: Record<string, string | undefined> | undefined;
    if (p.names.size) {
      groups = {};
      for (const [name, g] of p.names) groups[name] = captures[g];
    }
    return { index: regs[0]!, captures, groups };
  }
  return null;
}
