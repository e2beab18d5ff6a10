// A throwaway OpenSSH server on 127.0.0.1 for the tail tier: its own host key, user key,
// authorized_keys and config in a temporary directory, `/usr/sbin/sshd -D` on a free port,
// loopback only. The client side gets an ssh config file (`ssh -F`) with host aliases:
//   nd-test      the right key and a known_hosts file that holds the server's key
//   nd-wrongkey  a key the server does not know (authentication fails)
//   nd-unknown   an empty known_hosts (StrictHostKeyChecking stays at its default, "ask")
//   nd-changed   a known_hosts entry with another key for the server (a mismatch)
// The server runs without CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (setpriv --bounding-set), so
// root's sessions honour file permissions the way a normal user's do: a chmod 000 log is
// unreadable. Sessions get PATH=<dir>/bin:... (sshd SetEnv), where a test can put a fake sudo.
// Every wait is bounded; stop() kills the server and every session and removes the directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, withTimeout } from './backends';

export const SSHD = '/usr/sbin/sshd';

export function sshdAvailable(): string | null {
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`;
  if (spawnSync('ssh', ['-V'], { encoding: 'utf8' }).error) return 'the ssh client is missing (apt-get install openssh-client)';
  if (process.getuid?.() !== 0) return 'sshd tests need root (sshd must switch users)';
  return null;
}

export interface Sshd {
  dir: string;
  port: number;
  /** For `ssh -F`. */
  clientConfig: string;
  /** Directory on the sessions' PATH, before /usr/bin. */
  binDir: string;
  /** Kills the per-connection sshd processes (the connections drop). Returns how many. */
  cutSessions(): number;
  /** Stops the server and its sessions and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops the server and its sessions (connections are refused until up()). */
  down(): Promise<void>;
  /** Starts a stopped server again on the same port. */
  up(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
}

function keygen(file: string): void {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'nginx-doctor-test', '-f', file], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr}`);
}

/** Child pids of `pid` (from /proc). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.setTimeout(1000);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
  });
}

const live = new Set<() => void>();
process.on('exit', () => {
  for (const k of live) k();
});

export interface SshdOptions {
  /**
   * Files its sessions see in place of others: [what, where] pairs bind-mounted in a mount
   * namespace of the server's own (unshare -m), so one machine can play hosts whose disks differ
   * (e.g. a deployed nginx.conf that is not the workspace's) while everything else is shared.
   */
  binds?: [string, string][];
}

export async function startSshd(opts: SshdOptions = {}): Promise<Sshd> {
  const why = sshdAvailable();
  if (why) throw new Error(why);
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'nginx-doctor-sshd-')));
  const binDir = join(dir, 'bin');
  mkdirSync(binDir);
  // sshd's privilege separation directory (the Debian service creates it at boot)
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  keygen(join(dir, 'host_key'));
  keygen(join(dir, 'user_key'));
  keygen(join(dir, 'other_key'));
  keygen(join(dir, 'impostor_host_key'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user_key.pub')));
  const port = await freePort();
  writeFileSync(join(dir, 'sshd_config'), [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'PermitRootLogin prohibit-password',
    'AllowTcpForwarding no',
    'X11Forwarding no',
    'MaxStartups 100',
    'MaxSessions 50',
    `PidFile ${join(dir, 'sshd.pid')}`,
    `SetEnv PATH=${binDir}:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin`,
    'LogLevel INFO',
    '',
  ].join('\n'));
  const hostPub = readFileSync(join(dir, 'host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  const impostorPub = readFileSync(join(dir, 'impostor_host_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  writeFileSync(join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  writeFileSync(join(dir, 'known_hosts_empty'), '');
  writeFileSync(join(dir, 'known_hosts_changed'), `[127.0.0.1]:${port} ${impostorPub}\n`);
  const alias = (name: string, key: string, knownHosts: string): string => [
    `Host ${name}`,
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    '  User root',
    `  IdentityFile ${join(dir, key)}`,
    '  IdentitiesOnly yes',
    '  IdentityAgent none',
    `  UserKnownHostsFile ${join(dir, knownHosts)}`,
    '  GlobalKnownHostsFile /dev/null',
    '  ConnectTimeout 5',
    '',
  ].join('\n');
  const clientConfig = join(dir, 'ssh_config');
  writeFileSync(clientConfig, [
    alias('nd-test', 'user_key', 'known_hosts'),
    alias('nd-wrongkey', 'other_key', 'known_hosts'),
    alias('nd-unknown', 'user_key', 'known_hosts_empty'),
    alias('nd-changed', 'user_key', 'known_hosts_changed'),
  ].join('\n'));

  let server: ChildProcess | undefined;
  let output = '';
  const pidOf = (): number | undefined => server?.pid;
  const launch = async (): Promise<void> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      // setpriv drops the capabilities that let root read any file, for the whole server
      const args = ['--bounding-set=-dac_override,-dac_read_search', SSHD, '-D', '-e', '-f', join(dir, 'sshd_config')];
      let argv = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', ...args] : args.slice(1);
      if (opts.binds?.length) {
        // sh -c 'mount --bind "$1" "$2" && ... && shift N && exec "$@"' in a private mount namespace
        const mounts = opts.binds.map((_, k) => `mount --bind "$${2 * k + 1}" "$${2 * k + 2}"`).join(' && ');
        argv = ['/usr/bin/unshare', '-m', '--propagation', 'private', '/bin/sh', '-c', `${mounts} && shift ${2 * opts.binds.length} && exec "$@"`, 'sh', ...opts.binds.flat(), ...argv];
      }
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-50_000)));
      let exited = false;
      child.once('exit', () => (exited = true));
      server = child;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !exited) {
        if (await portOpen(port)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!exited) throw new Error(`sshd did not listen on 127.0.0.1:${port} within 10 s\n${output.slice(-2000)}`);
      // the port may still be held by the previous instance: try again shortly
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sshd could not start on port ${port}:\n${output.slice(-2000)}`);
  };
  const cutSessions = (): number => {
    const pid = pidOf();
    if (!pid) return 0;
    const kids = childrenOf(pid);
    for (const k of kids) {
      try {
        process.kill(k, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    return kids.length;
  };
  const kill = async (): Promise<void> => {
    const s = server;
    if (!s || s.exitCode !== null || s.signalCode !== null) return;
    const gone = new Promise<void>((r) => s.once('exit', () => r()));
    cutSessions();
    s.kill('SIGTERM');
    await withTimeout(gone, 5_000, 'sshd to exit').catch(() => s.kill('SIGKILL'));
  };
  const killNow = (): void => {
    cutSessions();
    server?.kill('SIGKILL');
  };
  live.add(killNow);
  await launch();
  return {
    dir,
    port,
    clientConfig,
    binDir,
    cutSessions,
    restart: async () => {
      await kill();
      await launch();
    },
    down: kill,
    up: async () => {
      if (server && server.exitCode === null && server.signalCode === null) return;
      await launch();
    },
    stop: async () => {
      await kill();
      live.delete(killNow);
      rmSync(dir, { recursive: true, force: true });
    },
    log: () => output,
  };
}
