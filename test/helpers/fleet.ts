// Several SSH "hosts" on loopback for the fleet tests: each a throwaway sshd of its own
// (test/helpers/sshd.ts: own port, keys, known_hosts), one ssh_config (`ssh -F`) naming each by
// an alias, plus a host that never answers: a TCP listener that accepts and stays silent, so ssh
// waits for a banner that never comes (down within ConnectTimeout, as a black-holed host).
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Sshd } from './sshd';

/** The "nd-test" block of one sshd's client config, renamed to `alias`. */
function aliasOf(sshd: Sshd, alias: string): string {
  const text = readFileSync(sshd.clientConfig, 'utf8');
  const block = text.split(/\n(?=Host )/).find((b) => b.startsWith('Host nd-test\n'));
  if (!block) throw new Error(`no nd-test entry in ${sshd.clientConfig}`);
  return block.replace(/^Host nd-test\n/, `Host ${alias}\n`).trimEnd();
}

export interface SilentHost {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/** A listener on 127.0.0.1 that accepts connections and never writes a byte. */
export async function silentHost(): Promise<SilentHost> {
  const sockets = new Set<Socket>();
  let count = 0;
  const server: Server = createServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    accepted: () => count,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Writes one ssh_config with an alias per sshd and per silent host; returns its path. */
export function fleetSshConfig(file: string, hosts: Record<string, Sshd>, silent: Record<string, SilentHost> = {}): string {
  const blocks = Object.entries(hosts).map(([alias, sshd]) => aliasOf(sshd, alias));
  for (const [alias, h] of Object.entries(silent)) {
    blocks.push([`Host ${alias}`, '  HostName 127.0.0.1', `  Port ${h.port}`, '  User root', '  IdentitiesOnly yes', '  IdentityAgent none',
      '  UserKnownHostsFile /dev/null', '  GlobalKnownHostsFile /dev/null'].join('\n'));
  }
  writeFileSync(file, `${blocks.join('\n\n')}\n`);
  return file;
}
