// The client side of a rotation seen by the remote script (remote-script.ts): LIST ... GEN ...
// LEND is the list of rotated files, answered with the plan (generations.ts) on the script's
// stdin; then DRAIN/MISS/LATE mark which generation the data belongs to, and OPEN the file at the
// path again. Keeps the line assembler's position on the generation being read, so a connection
// lost in the middle resumes in the right file, and emits the gap notices where they belong.
import type { TailGap } from '../protocol/protocol';
import type { FollowHooks } from './follow';
import type { Line, LineAssembler } from './frames';
import { compressionOf, planRecovery, rotationMessage, type Compression, type RecoveryInput, type RecoveryPlan, type Sibling } from './generations';

interface Listing {
  why: RecoveryInput['why'];
  currentInode: string | null;
  lastSize: number;
  readUpTo: number;
  position: { inode: string; offset: number; head: string };
  siblings: Sibling[];
}

const num = (w: string | undefined): number => (w && /^-?\d+$/.test(w) ? Number(w) : 0);
const hexText = (h: string | undefined): string => (h && /^([0-9a-f]{2})*$/.test(h) ? Buffer.from(h, 'hex').toString('utf8') : '');

export class RemoteRotation {
  private listing: Listing | null = null;
  private plan: RecoveryPlan | null = null;
  private gapsDone = 0;
  /** Index of the step being read (-1: the held file or nothing yet). */
  private step = -1;
  /** The first DRAIN after the list re-reads the generation that was being read: drop its partial line. */
  private rereads = false;
  /** Files the last plan read (a copy of the new file among them is not read again). */
  private lastRead: ReadonlySet<string> = new Set();
  /**
   * The rotated files at the last list: a truncation of a file nothing was read from yet (the
   * script lists again after reading a copy when something new appeared) reads what is new since.
   */
  private lastListed: Sibling[] | null = null;
  /** A list with a gap is taken once more (it may have been taken in the middle of logrotate's renames). */
  private listedAgain = false;

  constructor(
    private readonly path: string,
    private readonly asm: LineAssembler,
    private readonly hooks: FollowHooks,
    private readonly deliver: (lines: Line[]) => void,
    private readonly quietMs: number,
    private readonly stats: { rotations: number; gaps: number },
  ) {}

  get active(): boolean {
    return this.plan !== null || this.listing !== null;
  }

  /** LIST why curino cursize lastsize readupto posino posoff poshead */
  list(w: string[]): void {
    const why = w[1] === 'truncate' || w[1] === 'resume' ? w[1] : 'rename';
    const listed = { inode: w[6] ?? '0', offset: num(w[7]), head: w[8] && w[8] !== '-' ? w[8] : '' };
    const mine = this.asm.pos;
    // the generation this client was reading: its own offset (of the last complete line) counts
    const same = mine !== null && mine.inode === listed.inode;
    this.rereads = same && why !== 'rename';
    this.listing = {
      why,
      currentInode: w[2] && w[2] !== '0' ? w[2] : null,
      lastSize: num(w[4]),
      readUpTo: num(w[5]),
      position: same ? { inode: mine.inode, offset: mine.offset, head: mine.head || listed.head } : listed,
      siblings: [],
    };
  }

  /** GEN ino size mtime comp ok namehex headhex contentsize */
  gen(w: string[]): void {
    const name = hexText(w[6]);
    if (!this.listing || !name) return;
    const comp = w[4] && w[4] !== '-' ? (w[4] as Compression) : null;
    this.listing.siblings.push({
      name, inode: w[1] ?? '', size: num(w[2]), mtimeMs: num(w[3]) * 1000, compression: comp ?? compressionOf(name),
      head: w[7] && w[7] !== '-' ? w[7] : '', contentSize: num(w[8]), readable: w[5] === '1',
    });
  }

  /** LEND: decides, and returns the plan line for the script's stdin. */
  end(): string {
    const l = this.listing;
    this.listing = null;
    if (!l) return '.\n';
    const base = this.path.slice(this.path.lastIndexOf('/') + 1);
    // a truncation of a file nothing was read from yet: the new file, copied right after a rename
    const pendingCopy = l.why === 'truncate' && l.position.offset === 0;
    const plan = planRecovery({ base, position: l.position, why: l.why, currentInode: l.currentInode, lastSize: l.lastSize, readUpTo: l.readUpTo, siblings: l.siblings, ...(pendingCopy ? { alreadyRead: this.lastRead, ...(this.lastListed ? { listedBefore: this.lastListed } : {}) } : {}) });
    if (plan.gaps.length && !this.listedAgain) {
      this.listedAgain = true;
      return '?\n';
    }
    this.listedAgain = false;
    this.plan = plan;
    this.lastRead = new Set(this.plan.steps.map((s) => s.sibling.inode));
    this.lastListed = l.siblings;
    this.step = -1;
    this.gapsDone = 0;
    // a rename was announced by ROT when it was seen; here only what was rotated meanwhile
    const nothing = !this.plan.steps.length && !this.plan.gaps.length;
    if (l.why !== 'rename' && !(pendingCopy && nothing)) this.stats.rotations++;
    if (l.why === 'rename' ? this.plan.steps.length : !(pendingCopy && nothing)) this.hooks.notice('rotated', rotationMessage(this.path, l.why, this.plan, this.quietMs));
    const words = this.plan.steps.map((s) => `${s.follow ? 'F' : 'R'} ${s.sibling.inode} ${s.from}`);
    return `${[...words, '.'].join(' ')}\n`;
  }

  /** ROT rename: another file is at the path; the old one is read on until quiet. */
  renamed(): void {
    this.stats.rotations++;
    this.hooks.notice('rotated', rotationMessage(this.path, 'rename', null, this.quietMs));
  }

  /** DRAIN ino offset: the data that follows is that generation from offset. */
  drain(w: string[]): void {
    const plan = this.plan;
    if (!plan) return;
    const i = plan.steps.findIndex((s, k) => k > this.step && s.sibling.inode === w[1]);
    if (i < 0) return;
    this.step = i;
    this.gapsUpTo(i);
    const s = plan.steps[i]!;
    if (this.rereads) {
      this.rereads = false;
      this.asm.reset();
    }
    this.deliver(this.asm.open(s.sibling.inode, num(w[2]), s.sibling.head || '-', false));
  }

  /** MISS ino: that generation was gone when its turn came. */
  miss(w: string[]): void {
    const plan = this.plan;
    const i = plan ? plan.steps.findIndex((s, k) => k > this.step && s.sibling.inode === w[1]) : -1;
    if (!plan || i < 0) return;
    this.step = i;
    this.gapsUpTo(i);
    const s = plan.steps[i]!;
    this.gap({ reason: 'not-found', file: s.sibling.name, fromByte: s.from, bytes: null }, `${s.sibling.name} disappeared before it could be read: its lines from byte ${s.from.toLocaleString('en')} on are missing (size unknown)`);
  }

  /** LATE: the renamed file was still being written when the limit ended reading it. */
  late(maxMs: number): void {
    const plan = this.plan;
    const name = (this.step >= 0 ? plan?.steps[this.step]?.sibling.name : plan?.previousName) ?? `the renamed ${this.path}`;
    const at = this.asm.pos?.offset ?? 0;
    this.gap({ reason: 'still-written', file: name, fromByte: at, bytes: null }, `stopped reading ${name} ${Math.round(maxMs / 1000)} s after the rotation while it was still being written: the writer has not reopened its log (check logrotate's postrotate); lines written to it after byte ${at.toLocaleString('en')} are not shown`);
  }

  /** OPEN: reading the file at the path again; the rest of the plan's gaps come before it. */
  opened(): void {
    if (!this.plan) return;
    this.gapsUpTo(Number.MAX_SAFE_INTEGER);
    this.plan = null;
    this.rereads = false;
  }

  /** The connection dropped: a plan in progress is over (the next connection lists again). */
  reset(): void {
    this.listing = null;
    this.plan = null;
    this.rereads = false;
  }

  private gapsUpTo(i: number): void {
    const gaps = this.plan?.gaps ?? [];
    for (; this.gapsDone < gaps.length && gaps[this.gapsDone]!.before <= i; this.gapsDone++) this.gap(gaps[this.gapsDone]!.gap, gaps[this.gapsDone]!.message);
  }

  private gap(gap: TailGap, message: string): void {
    this.stats.gaps++;
    this.hooks.notice('gap', `${this.path}: lines are missing: ${message}`, { gap });
  }
}
