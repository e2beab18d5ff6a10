// A log writer in its own process, shaped like nginx: several "workers", each with its own
// O_APPEND descriptor, append numbered lines ("seq=N") at a steady rate. Rotations happen here,
// between two writes, so the test knows exactly which line went where:
//   rename WINDOW_MS   logrotate's "create": the log is renamed to .1 (older ones shifted), an empty
//                      file is created, and the workers keep appending to the renamed file for
//                      WINDOW_MS (worker i reopens at WINDOW_MS * (i+1) / workers), as nginx's
//                      workers do until the reopen signal reaches them
//   copytruncate       the log is copied to .1 (older ones shifted) and truncated, in one step
//   stop               no more lines; answers {"last": N}
// Commands come on stdin, one per line; every answer is one JSON line on stdout.
import { closeSync, copyFileSync, existsSync, openSync, readdirSync, renameSync, truncateSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

const [path, workersArg, everyArg, perTickArg, startArg] = process.argv.slice(2);
if (!path) throw new Error('usage: writer-main PATH [WORKERS] [EVERY_MS] [PER_TICK] [FIRST_SEQ]');
const workers = Number(workersArg ?? 2);
const everyMs = Number(everyArg ?? 4);
const perTick = Number(perTickArg ?? 2);
let n = Number(startArg ?? 0);
const fds: number[] = [];
for (let i = 0; i < workers; i++) fds.push(openSync(path, 'a'));
/** Each worker's file generation: 0 for the file at start, +1 at each reopen (or truncation). */
const gens: number[] = fds.map(() => 0);
let turn = 0;

function line(i: number, worker: number): string {
  const pad = i % 97 === 0 ? 'x'.repeat(70_000) : 'pad'.repeat(i % 13);
  return `2026/11/22 04:22:29 [notice] ${1000 + worker}#${1000 + worker}: *${i} seq=${i} gen=${gens[worker]} ${pad}\n`;
}

function tick(): void {
  for (let k = 0; k < perTick; k++) {
    const w = turn++ % workers;
    writeSync(fds[w]!, line(++n, w));
  }
}

/** NAME.k[.gz] -> NAME.k+1[.gz], oldest first (as logrotate shifts numbered generations). */
function shift(): void {
  const dir = dirname(path);
  const base = basename(path);
  const gens = readdirSync(dir)
    .map((f) => ({ f, m: new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)(\\.gz)?$`).exec(f) }))
    .filter((x) => x.m)
    .sort((a, b) => Number(b.m![1]) - Number(a.m![1]));
  for (const g of gens) renameSync(join(dir, g.f), join(dir, `${base}.${Number(g.m![1]) + 1}${g.m![2] ?? ''}`));
}

let timer: NodeJS.Timeout | undefined = setInterval(tick, everyMs);
const say = (o: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

createInterface({ input: process.stdin }).on('line', (cmd) => {
  const [what, arg] = cmd.trim().split(/\s+/);
  if (what === 'rename') {
    const windowMs = Number(arg ?? 0);
    const before = n;
    shift();
    renameSync(path, `${path}.1`);
    closeSync(openSync(path, 'a'));
    const firstNew = n + 1;
    let reopened = 0;
    for (let i = 0; i < workers; i++) {
      const reopen = (): void => {
        const old = fds[i]!;
        fds[i] = openSync(path, 'a');
        gens[i]!++;
        closeSync(old);
        if (++reopened === workers) say({ rotated: 'rename', before, firstAfter: firstNew, lastSeq: n });
      };
      const at = (windowMs * (i + 1)) / workers;
      if (at === 0) reopen();
      else setTimeout(reopen, at);
    }
  } else if (what === 'copytruncate') {
    shift();
    copyFileSync(path, `${path}.1`);
    truncateSync(path, 0);
    for (let i = 0; i < workers; i++) gens[i]!++;
    say({ rotated: 'copytruncate', lastSeq: n });
  } else if (what === 'pause') {
    if (timer) clearInterval(timer);
    timer = undefined;
    say({ paused: n });
  } else if (what === 'resume') {
    timer ??= setInterval(tick, everyMs);
    say({ resumed: n });
  } else if (what === 'stop') {
    if (timer) clearInterval(timer);
    timer = undefined;
    tick();
    for (const fd of fds) closeSync(fd);
    say({ last: n, exists: existsSync(path) });
    process.exit(0);
  }
});
