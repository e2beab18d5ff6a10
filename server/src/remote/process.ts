// Child processes that are always ended: spawned without a shell, killed when this process exits,
// ended with SIGTERM then SIGKILL; and the tail of their stderr for messages.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const children = new Set<ChildProcess>();
let exitHook = false;

/** Spawns without a shell; the process is killed if this process exits first. */
export function spawnTracked(cmd: string, args: string[], opts: SpawnOptions): ChildProcess {
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    });
  }
  const child = spawn(cmd, args, { ...opts, shell: false, windowsHide: true });
  children.add(child);
  child.once('close', () => children.delete(child));
  child.once('error', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process has closed (bounded). */
export function endProcess(child: ChildProcess, graceMs = 2_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(t1);
      clearTimeout(t2);
      resolve();
    };
    child.once('close', finish);
    child.once('exit', () => setTimeout(finish, 200));
    child.kill('SIGTERM');
    const t1 = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const t2 = setTimeout(finish, graceMs + 3_000);
  });
}

/** Keeps the last `max` bytes of a stream's text (for error messages). */
export class TailText {
  private text = '';
  constructor(private readonly max = 8192) {}
  add(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.max);
  }
  get value(): string {
    return this.text;
  }
  clear(): void {
    this.text = '';
  }
}
