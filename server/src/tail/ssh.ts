// A log file on another machine, read through the system's OpenSSH client. Users' ~/.ssh/config,
// agent, ProxyJump and known_hosts apply as they do in a terminal. BatchMode=yes means ssh never
// asks for anything: a password, a passphrase or an unknown host key fails with a message, which
// is classified here into a state with the fix. StrictHostKeyChecking is left as configured.
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { FrameParser, LineAssembler, type Line, type Position } from './frames';
import { nginxDumpInput, remoteShell, scriptInput, type StartMode } from './remote-script';
import { Backoff, Sleeper, TailText, endProcess, spawnTracked, type BackoffOptions, type FollowHooks, type Follower, type StateInfo } from './follow';
import { checkDestination, checkPath } from './sources';

export interface SshOptions extends BackoffOptions {
  /** The ssh program (default "ssh"). */
  ssh?: string;
  /** `ssh -F FILE` (the CLI's --ssh-config; tests). Settings cannot set this. */
  configFile?: string;
  /** Where a fresh start begins: the end of the file (default) or its start. */
  start?: 'end' | 'start';
  /** With start "end": also show up to this many bytes before the end (whole lines). */
  backlog?: number;
  /** No byte (not even a keep-alive) for this long: the connection is dead (default 20 s). */
  idleTimeoutMs?: number;
  /** Longest line kept, in bytes (default 1 MiB). */
  maxLine?: number;
}

export interface SshFailure {
  reason: StateInfo['reason'];
  message: string;
  fix?: string;
  fatal: boolean;
}

/** The fixed ssh arguments before the destination. */
export function sshArgs(opts: { configFile?: string }): string[] {
  return [
    '-T', '-a', '-x',
    '-o', 'BatchMode=yes',
    '-o', 'ConnectTimeout=15',
    '-o', 'ServerAliveInterval=10',
    '-o', 'ServerAliveCountMax=3',
    '-o', 'ClearAllForwardings=yes',
    '-o', 'PermitLocalCommand=no',
    '-o', 'ControlMaster=no',
    ...(opts.configFile ? ['-F', opts.configFile] : []),
  ];
}

const firstLine = (s: string): string => s.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !/^@+$/.test(l) && !/^Warning: Permanently added/.test(l))[0] ?? '';

/** Reads ssh's (and the remote's) stderr: what went wrong and what to do. */
export function classifySshError(stderr: string, dest: string, code: number | null, sudo: boolean): SshFailure {
  const s = stderr;
  const host = dest.replace(/^ssh:\/\//, '').replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(s)) {
    return {
      reason: 'host-key-changed', fatal: true,
      message: `the host key of ${host} does not match the one in known_hosts`,
      fix: `If the server was really reinstalled or its key rotated, check the new fingerprint with its administrator, then remove the old key with "ssh-keygen -R ${host}" and connect once with "ssh ${dest}" in a terminal. Otherwise someone may be intercepting the connection.`,
    };
  }
  if (/No \S+ host key is known for|Host key verification failed|host key is not known|The authenticity of host/i.test(s)) {
    return {
      reason: 'host-key-unknown', fatal: true,
      message: `the host key of ${host} is not in known_hosts, and nginx-doctor never accepts host keys by itself`,
      fix: `Run "ssh ${dest}" once in a terminal, compare the fingerprint it shows with the server's (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the server), and accept it.`,
    };
  }
  if (/Permission denied \(|Too many authentication failures|no more authentication methods|Authentication failed/i.test(s)) {
    return {
      reason: 'auth', fatal: true,
      message: `SSH authentication to ${dest} failed (${firstLine(s)})`,
      fix: `nginx-doctor uses your SSH keys without prompting (BatchMode): add the key to the agent ("ssh-add"), or set IdentityFile and User for this host in ~/.ssh/config, and check that "ssh ${dest} true" works without a password.`,
    };
  }
  if (/sudo: .*password is required|sudo: a terminal is required|sudo: sorry, you must have a tty|is not in the sudoers|is not allowed to (execute|run sudo)|may not run sudo/i.test(s)) {
    return {
      reason: 'sudo', fatal: true,
      message: `sudo on ${host} needs a password or is not allowed (${firstLine(s)})`,
      fix: 'nginx-doctor only uses passwordless sudo ("sudo -n"). Prefer giving the SSH user read access instead: add it to the group that owns the log (Debian/Ubuntu: "sudo usermod -aG adm USER", then reconnect); or allow NOPASSWD sudo for it.',
    };
  }
  if (sudo && /sudo: (command )?not found|sudo: No such file/i.test(s)) {
    return { reason: 'sudo', fatal: true, message: `sudo is not installed on ${host}`, fix: 'Turn off "sudo" for this source and give the SSH user read access to the log (e.g. the adm group).' };
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(s)) {
    return { reason: 'connection', fatal: false, message: `cannot resolve ${host}`, fix: 'Check the host name (or its Host entry in ~/.ssh/config) and your network.' };
  }
  if (code === 255 || /Connection (refused|timed out|reset|closed)|closed by remote host|Broken pipe|No route to host|Network is unreachable|kex_exchange_identification|Connection to .* closed/i.test(s)) {
    return { reason: 'connection', fatal: false, message: `connection to ${dest} lost${firstLine(s) ? `: ${firstLine(s)}` : ''}` };
  }
  if (/sh: .*not found|exec.*No such file/i.test(s)) {
    return { reason: 'remote', fatal: true, message: `the remote side could not start its POSIX shell: ${firstLine(s)}` };
  }
  return { reason: 'remote', fatal: false, message: `the remote command ended (exit ${code ?? 'by signal'})${firstLine(s) ? `: ${firstLine(s)}` : ''}` };
}

export function permissionFix(path: string, sudo: boolean): string {
  return sudo
    ? `Even through sudo, ${path} cannot be read: check the file and its directories.`
    : `Give the SSH user read access: on Debian/Ubuntu nginx logs belong to the adm group ("sudo usermod -aG adm USER", then reconnect); or set "sudo": true for this source (passwordless sudo only).`;
}

/** Follows `path` on `dest`: connecting, live, reconnecting with backoff, failed with a reason. */
export class SshFollower implements Follower {
  private readonly asm: LineAssembler;
  private readonly backoff: Backoff;
  private readonly sleeper = new Sleeper();
  private child: ChildProcess | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;
  /** Counters for reports and tests. */
  readonly stats = { connects: 0, drops: 0, rotations: 0, gaps: 0 };

  constructor(
    private readonly dest: string,
    private readonly path: string,
    private readonly sudo: boolean,
    private readonly hooks: FollowHooks,
    private readonly opts: SshOptions = {},
  ) {
    checkDestination(dest);
    checkPath(path);
    this.asm = new LineAssembler(opts.maxLine);
    this.backoff = new Backoff(opts);
  }

  get position(): Position | null {
    return this.asm.pos;
  }

  start(): void {
    this.running ??= this.loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.cancel();
    if (this.child) await endProcess(this.child);
    await this.running;
  }

  private async loop(): Promise<void> {
    this.hooks.state({ state: 'connecting', message: `connecting to ${this.dest}` });
    while (!this.stopped) {
      const started = Date.now();
      const failure = await this.session();
      if (this.stopped) break;
      if (failure.fatal) {
        this.hooks.state({ state: 'failed', reason: failure.reason, message: failure.message, ...(failure.fix ? { fix: failure.fix } : {}) });
        return;
      }
      if (Date.now() - started > 10_000) this.backoff.reset();
      const wait = this.backoff.next();
      this.stats.drops++;
      this.hooks.state({ state: 'reconnecting', reason: failure.reason, message: failure.message, retryInMs: wait, ...(failure.fix ? { fix: failure.fix } : {}) });
      await this.sleeper.sleep(wait);
    }
    this.hooks.state({ state: 'stopped' });
  }

  /** One connection: resolves with why it ended. */
  private session(): Promise<SshFailure> {
    return new Promise((resolve) => {
      const nonce = randomBytes(16).toString('hex');
      const pos = this.asm.pos;
      const mode: StartMode = pos ? 'resume' : (this.opts.start ?? 'end');
      const input = scriptInput({
        nonce, path: this.path, mode,
        ...(pos ? { inode: pos.inode, offset: pos.offset, head: pos.head } : {}),
        backlog: this.opts.backlog ?? 0,
      });
      const stderr = new TailText();
      let fatal: SshFailure | undefined;
      let hello = false;
      let lastByte = Date.now();
      let paused = false;
      this.stats.connects++;
      const child = spawnTracked(this.opts.ssh ?? 'ssh', [...sshArgs(this.opts), '--', this.dest, remoteShell(this.sudo)], { stdio: ['pipe', 'pipe', 'pipe'] });
      this.child = child;
      const kill = (): void => void endProcess(child);
      const deliver = (lines: Line[]): void => {
        if (!lines.length) return;
        const p = this.hooks.lines(lines);
        if (p && !paused) {
          paused = true;
          child.stdout!.pause();
          void p.then(() => {
            paused = false;
            lastByte = Date.now();
            child.stdout!.resume();
          });
        }
      };
      const parser = new FrameParser(nonce, {
        data: (chunk) => deliver(this.asm.push(chunk)),
        record: (w) => {
          switch (w[0]) {
            case 'HELLO':
              hello = true;
              break;
            case 'OPEN': {
              const resumed = pos !== null;
              const fresh = this.asm.pos === null; // the first file ever opened: its content so far is history
              deliver(this.asm.open(w[1] ?? '0', Number(w[2] ?? 0), w[3] ?? '-', w[4] === '1', fresh && w[5] ? Number(w[5]) : -1));
              this.hooks.state({ state: 'live', message: `${resumed ? 'resumed' : 'following'} ${this.path} on ${this.dest}` });
              break;
            }
            case 'DRAIN':
              break;
            case 'ROT':
              this.stats.rotations++;
              this.hooks.notice('rotated', w[1] === 'truncate' ? `${this.path} was truncated (copytruncate); read the copy to its end, now reading from the start`
                : w[1] === 'resume' ? `${this.path} was rotated while disconnected; read the rest of the old file, now reading the new one`
                  : `${this.path} was rotated (renamed and re-created); read the old file to its end, now reading the new one`);
              break;
            case 'GAP':
              this.stats.gaps++;
              this.hooks.notice('gap', `${this.path} was rotated while disconnected and the old file was not found next to it: lines written meanwhile may be missing`);
              break;
            case 'WAIT':
              this.hooks.state({ state: 'waiting', reason: 'not-found', message: `${this.path} does not exist on ${this.dest} (waiting for it to appear)`, fix: 'Check the path: it is the error_log directive of the nginx config (default /var/log/nginx/error.log).' });
              break;
            case 'ERR':
              fatal = w[1] === 'denied'
                ? { reason: 'permission-denied', fatal: true, message: `permission denied reading ${this.path} on ${this.dest}`, fix: permissionFix(this.path, this.sudo) }
                : { reason: 'not-regular', fatal: true, message: `${this.path} on ${this.dest} is not a regular file (a symlink to /dev/stdout in a container?)`, fix: 'Use a command source instead, e.g. ["docker", "logs", "-f", "--tail", "0", "CONTAINER"].' };
              kill();
              break;
          }
        },
      });
      child.stdout!.on('data', (d: Buffer) => {
        lastByte = Date.now();
        parser.push(d);
      });
      child.stderr!.on('data', (d: Buffer) => stderr.add(d));
      child.stdin!.on('error', () => undefined);
      child.stdin!.write(input);
      const idleMs = this.opts.idleTimeoutMs ?? 20_000;
      const idle = setInterval(() => {
        if (!paused && Date.now() - lastByte > idleMs) {
          stderr.add(`\nno data or keep-alive for ${Math.round(idleMs / 1000)} s`);
          kill();
        }
      }, Math.min(1000, idleMs / 4));
      let settled = false;
      const finish = (code: number | null, spawnError?: Error): void => {
        if (settled) return;
        settled = true;
        clearInterval(idle);
        this.child = undefined;
        this.asm.reset();
        if (spawnError) {
          const e = spawnError as NodeJS.ErrnoException;
          resolve({ reason: 'invalid', fatal: true, message: e.code === 'ENOENT' ? 'the ssh program was not found (install OpenSSH\'s client)' : `cannot start ssh: ${e.message}` });
          return;
        }
        if (fatal) return resolve(fatal);
        if (hello && code !== 255) {
          // the script itself ended (killed on the server?): reconnect
          return resolve({ reason: 'connection', fatal: false, message: `the remote reader ended${stderr.value.trim() ? `: ${firstLine(stderr.value)}` : ''}` });
        }
        resolve(classifySshError(stderr.value, this.dest, code, this.sudo));
      };
      child.on('error', (e) => finish(null, e));
      child.on('close', (code) => finish(code));
    });
  }
}

/** Runs `nginx -T` (optionally `-c CONF`) on dest over SSH; resolves with its output. */
export function dumpRemoteConfig(dest: string, sudo: boolean, opts: { ssh?: string; configFile?: string; nginxConf?: string; timeoutMs?: number } = {}): Promise<string> {
  checkDestination(dest);
  return new Promise((resolve, reject) => {
    const child = spawnTracked(opts.ssh ?? 'ssh', [...sshArgs(opts), '--', dest, remoteShell(sudo)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let size = 0;
    const stderr = new TailText();
    child.stdout!.on('data', (d: Buffer) => {
      size += d.length;
      if (size <= 32 * 1024 * 1024) out.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => stderr.add(d));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(nginxDumpInput(opts.nginxConf));
    const timer = setTimeout(() => void endProcess(child), opts.timeoutMs ?? 30_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = Buffer.concat(out).toString('utf8');
      if (code === 0) return resolve(text);
      const f = code === 255 ? classifySshError(stderr.value, dest, code, sudo) : null;
      const why = `${text}\n${stderr.value}`.split('\n').find((l) => /\[emerg\]|not found|denied|failed/.test(l)) ?? firstLine(text);
      reject(new Error(f ? f.message : `nginx -T on ${dest} failed (exit ${code}): ${why.trim()}${sudo ? '' : ' (nginx -T usually needs root: set "sudo": true)'}`));
    });
  });
}
