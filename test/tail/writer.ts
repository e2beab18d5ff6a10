// Drives test/tail/writer-main.ts (a log writer in its own process, shaped like nginx's workers).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export class WriterProcess {
  private readonly child: ChildProcess;
  private readonly answers: Record<string, unknown>[] = [];
  private readonly waiters: ((a: Record<string, unknown>) => void)[] = [];
  private stderr = '';

  /** workers descriptors, perTick lines every everyMs (default ~500 lines/s), numbered from first+1. */
  constructor(readonly path: string, opts: { workers?: number; everyMs?: number; perTick?: number; first?: number } = {}) {
    this.child = spawn(process.execPath, [join(__dirname, 'writer-main.js'), path, String(opts.workers ?? 2), String(opts.everyMs ?? 4), String(opts.perTick ?? 2), String(opts.first ?? 0)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.child.stdout! }).on('line', (l) => {
      const a = JSON.parse(l) as Record<string, unknown>;
      const w = this.waiters.shift();
      if (w) w(a);
      else this.answers.push(a);
    });
  }

  private ask(cmd: string, ms = 15_000): Promise<Record<string, unknown>> {
    this.child.stdin!.write(`${cmd}\n`);
    return new Promise((resolve, reject) => {
      const queued = this.answers.shift();
      if (queued) return resolve(queued);
      const t = setTimeout(() => reject(new Error(`writer: no answer to "${cmd}" in ${ms} ms\n${this.stderr}`)), ms);
      this.waiters.push((a) => {
        clearTimeout(t);
        resolve(a);
      });
    });
  }

  /** Rename + create; the workers go on writing the renamed file for windowMs. Resolves once all reopened. */
  async rename(windowMs: number): Promise<{ before: number; lastSeq: number }> {
    return (await this.ask(`rename ${windowMs}`, windowMs + 15_000)) as { before: number; lastSeq: number };
  }

  async copyTruncate(): Promise<{ lastSeq: number }> {
    return (await this.ask('copytruncate')) as { lastSeq: number };
  }

  async pause(): Promise<number> {
    return (await this.ask('pause')).paused as number;
  }

  async resume(): Promise<void> {
    await this.ask('resume');
  }

  /** Stops writing; resolves with the last number written. */
  async stop(): Promise<number> {
    const a = await this.ask('stop');
    return a.last as number;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
