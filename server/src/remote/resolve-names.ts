// Resolves backend host names where nginx runs, the way nginx does at start-up (the system's
// resolver: /etc/hosts, then DNS): `getent ahosts NAME`, on this machine or through a command
// prefix (`docker exec web` for nginx in a container: the tail's command source). Read-only, no
// shell, 3 s per name, at most 32 names. Callers decide whether running programs is allowed
// (trusted workspace, the CLI); explain's upstream-stale-address compares the answers.
import { spawnTracked, endProcess } from './process';

const MAX_NAMES = 32;
const TIMEOUT_MS = 3_000;

/** The addresses in `getent ahosts` output (first column, each once, in order). */
export function parseGetent(out: string): string[] {
  const seen: string[] = [];
  for (const line of out.split('\n')) {
    const a = line.trim().split(/\s+/)[0];
    if (a && /^[0-9a-fA-F:.]+$/.test(a) && /[.:]/.test(a) && !seen.includes(a.toLowerCase())) seen.push(a.toLowerCase());
  }
  return seen;
}

/** Host names only: nothing getent or a prefix command could read as an option. */
export function safeName(n: string): boolean {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(n) && n.length <= 253;
}

function getent(argv: readonly string[], name: string): Promise<string[] | null> {
  return new Promise((resolve) => {
    const [cmd, ...pre] = argv.length ? argv : ['getent'];
    const args = argv.length ? [...pre, 'getent', 'ahosts', name] : ['ahosts', name];
    let out = '';
    let done = false;
    const finish = (v: string[] | null): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(v);
    };
    const child = spawnTracked(cmd!, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      void endProcess(child, 500);
      finish(null);
    }, TIMEOUT_MS);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      if (out.length < 65_536) out += d;
    });
    child.on('error', () => finish(null));
    child.on('close', (code) => finish(code === 0 ? parseGetent(out) : null));
  });
}

/**
 * name -> its addresses now, or null (not found, getent missing, timed out). `prefix`: the argv that
 * runs a command where nginx runs (["docker", "exec", "web"]); empty: this machine.
 */
export async function resolveNames(names: readonly string[], prefix: readonly string[] = []): Promise<Map<string, string[] | null>> {
  const out = new Map<string, string[] | null>();
  const todo = [...new Set(names)].filter(safeName).slice(0, MAX_NAMES);
  const answers = await Promise.all(todo.map((n) => getent(prefix, n)));
  todo.forEach((n, i) => out.set(n, answers[i]!));
  return out;
}
