// Two rotations while the SSH connection is down (the test sshd stopped, so every reconnect is
// refused): every line comes back when the generation in between still exists, plain or gzip,
// renamed or copied; when a file is gone, one gap notice says exactly which one and from where,
// and only those lines are missing. One "reconnecting" per outage, "retry" notices counting the
// attempts, one "live" when back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SshFollower } from '../../server/src/tail/ssh';
import { startSshd, sshdAvailable, type Sshd } from '../helpers/sshd';
import { Collector, sleep, waitFor } from './tools';
import { WriterProcess } from './writer';

const seqs = (file: string): number[] => [...readFileSync(file, 'utf8').matchAll(/ seq=(\d+) /g)].map((m) => Number(m[1]));
const gzip = (file: string): void => {
  writeFileSync(`${file}.gz`, gzipSync(readFileSync(file)));
  unlinkSync(file);
};

interface Scenario {
  name: string;
  /** Rotates twice (the sshd is down meanwhile); returns the numbers that must be missing, if any (`seen`: shown before the outage). */
  rotate(w: WriterProcess, log: string, seen: Map<number, number>): Promise<number[]>;
  gap?: { reason: string; file: string | null; fromByteIsPosition?: boolean };
}

const renameTwice = async (w: WriterProcess, between: () => void = () => undefined): Promise<void> => {
  await w.rename(0);
  await sleep(250);
  await w.rename(0);
  between();
};

const SCENARIOS: Scenario[] = [
  { name: 'rename twice, the file in between plain', rotate: async (w) => (await renameTwice(w), []) },
  { name: 'rename twice, delaycompress (the old file gzipped, the one in between plain)', rotate: async (w, log) => (await renameTwice(w, () => gzip(`${log}.2`)), []) },
  { name: 'rename twice, compress (both gzipped)', rotate: async (w, log) => (await renameTwice(w, () => (gzip(`${log}.2`), gzip(`${log}.1`))), []) },
  {
    name: 'copytruncate twice, the first copy gzipped',
    rotate: async (w, log) => {
      await w.copyTruncate();
      await sleep(250);
      await w.copyTruncate();
      gzip(`${log}.2`);
      return [];
    },
  },
  {
    name: 'rename twice, the file in between deleted',
    rotate: async (w, log) => {
      let lost: number[] = [];
      await renameTwice(w, () => {
        lost = seqs(`${log}.1`);
        unlinkSync(`${log}.1`);
      });
      return lost;
    },
    gap: { reason: 'missing-generation', file: 'error.log.1' },
  },
  {
    name: 'rename twice, the file that was being read deleted',
    rotate: async (w, log, seen) => {
      let lost: number[] = [];
      await renameTwice(w, () => {
        // the rest of the file that was being read, and the one after it (nothing tells whether it is newer)
        lost = [...seqs(`${log}.2`), ...seqs(`${log}.1`)].filter((n) => !seen.has(n));
        unlinkSync(`${log}.2`);
      });
      return lost;
    },
    gap: { reason: 'not-found', file: null, fromByteIsPosition: true },
  },
];

const skip = sshdAvailable();

describe('two rotations during one SSH outage (real sshd on 127.0.0.1)', { skip: skip ?? false }, () => {
  let sshd: Sshd;
  let dir: string;
  before(async () => {
    sshd = await startSshd();
    dir = mkdtempSync('/tmp/nd-outage-');
  }, { timeout: 60_000 });
  after(async () => {
    await sshd?.up().catch(() => undefined);
    await sshd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, { timeout: 30_000 });

  for (const [i, sc] of SCENARIOS.entries()) {
    test(sc.name, { timeout: 90_000 }, async () => {
      const log = join(dir, `s${i}`, 'error.log');
      mkdirSync(join(dir, `s${i}`));
      writeFileSync(log, '');
      const c = new Collector();
      const f = new SshFollower('nd-test', log, false, c, { configFile: sshd.clientConfig, start: 'start', minBackoffMs: 150, maxBackoffMs: 400, rotationQuietMs: 300, rotationMaxMs: 8_000 });
      const w = new WriterProcess(log);
      f.start();
      try {
        await waitFor(() => c.lastState?.state === 'live', 'live', 20_000, () => c.describe());
        await sleep(400);
        const livesBefore = c.states.filter((s) => s.state === 'live').length;
        await sshd.down();
        await waitFor(() => c.lastState?.state === 'reconnecting', 'reconnecting', 20_000, () => c.describe());
        await sleep(300);
        const expectMissing = await sc.rotate(w, log, c.seen);
        await sleep(300);
        const position = f.position!;
        await sshd.up();
        await waitFor(() => c.states.filter((s) => s.state === 'live').length > livesBefore, 'live again', 20_000, () => `${c.describe()}\n${sshd.log().slice(-1000)}`);
        await sleep(500);
        const last = await w.stop();
        await waitFor(() => c.seen.has(last), `line ${last}`, 20_000, () => c.describe()).catch(() => undefined);
        await sleep(300);
        const r = c.check(last);
        const order = c.generationOrder();
        const gaps = c.notices.filter((n) => n.kind === 'gap');
        console.log(`# ${sc.name}: ${last} lines, ${r.missing.length} missing (expected ${expectMissing.length}), ${r.duplicated.length} repeated, ${order.inversions} generation-order inversions, gaps: ${gaps.map((g) => g.message).join(' | ') || 'none'}`);
        assert.deepEqual(r.missing, [...expectMissing].sort((a, b) => a - b), `exactly the lines of the file that is gone are missing\n${c.describe()}`);
        assert.deepEqual(r.duplicated, []);
        assert.equal(order.first, null);
        if (sc.gap) {
          assert.equal(gaps.length, 1, c.describe());
          assert.equal(gaps[0]!.gap?.reason, sc.gap.reason);
          assert.equal(gaps[0]!.gap?.file, sc.gap.file);
          if (sc.gap.fromByteIsPosition) assert.equal(gaps[0]!.gap?.fromByte, position.offset);
          assert.match(gaps[0]!.message, sc.gap.file ? new RegExp(sc.gap.file.replace('.', '\\.')) : /was not found next to it/);
        } else assert.deepEqual(gaps, [], 'no gap when every generation is there');
        // one outage: one "reconnecting", each further refused attempt a numbered "retry", one "live"
        const after = c.states.slice(c.states.findIndex((s) => s.state === 'reconnecting'));
        assert.deepEqual(after.map((s) => s.state), ['reconnecting', 'live'], c.describe());
        const retries = c.notices.filter((n) => n.kind === 'retry');
        assert.ok(retries.length >= 1, 'the sshd was down for several attempts');
        assert.deepEqual(retries.map((n) => n.attempt), retries.map((_, k) => k + 2));
        assert.equal(after[1]!.attempts, retries.length + 1, 'the live event names the attempt that worked');
      } finally {
        w.kill();
        await f.stop();
        await sshd.up().catch(() => undefined);
      }
    });
  }
});
