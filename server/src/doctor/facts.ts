// What phase 1 found on the host, read out of the script's sections into plain data.
import type { ScriptOutput } from '../remote/records';

export interface NginxProcess {
  pid: number;
  ppid: number;
  uid: number;
  /** The MAC label (/proc/PID/attr/current): an AppArmor profile with its mode, or an SELinux context. */
  label: string;
  /** /proc/PID/exe: the binary it runs ("" when unreadable). */
  exe: string;
  cmdline: string;
  role: 'master' | 'worker' | 'other';
}

export interface Listener {
  /** "127.0.0.1", "0.0.0.0", "::", "::1" ... */
  addr: string;
  port: number;
}

export interface HostFacts {
  uid: number | null;
  /** "YYYY/MM/DD HH:MM:SS" in the host's local time, as nginx logs. */
  date: string | null;
  hostname: string | null;
  /** The nginx binary found or given ("" when none). */
  nginxPath: string;
  /** Whether that path exists on the host. */
  nginxExists: boolean;
  /** `nginx -V` output, when the binary ran. */
  nginxV: string | null;
  version: string | null;
  configure: Map<string, string>;
  /** `nginx -t` output and exit status. */
  test: { text: string; rc: number } | null;
  /** `nginx -T` stdout when it succeeded. */
  dump: string | null;
  processes: NginxProcess[];
  systemd: Map<string, string> | null;
  systemdStatus: string | null;
  listeners: Listener[];
  /** Paths of bound unix sockets (/proc/net/unix) that are listening. */
  unixListening: Set<string>;
  addresses: Set<string>;
  selinux: string | null;
  selinuxBool: string | null;
  apparmor: string | null;
}

export function readFacts(out: ScriptOutput): HostFacts {
  const sec = (name: string): string | null => out.sections.get(name)?.text ?? null;
  const trim = (name: string): string | null => {
    const t = sec(name)?.trim();
    return t ? t : null;
  };
  const v = sec('nginx-V');
  const { test, dump } = readInstanceRun(out, '');
  const f: HostFacts = {
    uid: /^\d+$/.test(trim('whoami') ?? '') ? Number(trim('whoami')) : null,
    date: trim('date'),
    hostname: trim('hostname'),
    nginxPath: (trim('nginx-path') ?? '').split('\n')[0]!.trim(),
    nginxExists: /\nexists$/.test(trim('nginx-path') ?? ''),
    nginxV: v,
    version: v ? (/nginx version: [^/\s]+\/(\d+\.\d+\.\d+)/.exec(v)?.[1] ?? null) : null,
    configure: configureArgs(v ?? ''),
    test, dump,
    processes: readProcesses(sec('procs') ?? ''),
    systemd: null,
    systemdStatus: sec('systemd-status'),
    listeners: readTcpListeners(sec('net-tcp') ?? ''),
    unixListening: readUnixListening(sec('net-unix') ?? ''),
    addresses: readAddresses(sec('addrs') ?? ''),
    selinux: trim('selinux'),
    selinuxBool: trim('selinux-bool'),
    apparmor: trim('apparmor'),
  };
  const sd = sec('systemd');
  if (sd !== null && out.sections.get('systemd')!.rc === 0) {
    f.systemd = new Map();
    for (const line of sd.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) f.systemd.set(line.slice(0, i), line.slice(i + 1).trim());
    }
  }
  return f;
}

/** The sections "nginx-t SUFFIX" and "nginx-T SUFFIX" (phase 1b: one pair per instance). */
export function readInstanceRun(out: ScriptOutput, suffix: string): Pick<HostFacts, 'test' | 'dump'> {
  const t = out.sections.get(`nginx-t${suffix}`);
  const T = out.sections.get(`nginx-T${suffix}`);
  return { test: t ? { text: t.text, rc: t.rc } : null, dump: T && T.rc === 0 && T.text.includes('# configuration file ') ? T.text : null };
}

/** `--conf-path=/etc/nginx/nginx.conf` and friends from `nginx -V`. */
function configureArgs(v: string): Map<string, string> {
  const m = new Map<string, string>();
  const line = /configure arguments:(.*)/.exec(v)?.[1] ?? '';
  for (const a of line.matchAll(/--([a-z-]+)=('[^']*'|"[^"]*"|\S+)/g)) m.set(a[1]!, a[2]!.replace(/^['"]|['"]$/g, ''));
  return m;
}

function readProcesses(text: string): NginxProcess[] {
  const out: NginxProcess[] = [];
  for (const line of text.split('\n')) {
    const p = line.split('\t');
    if (p.length < 6 || !/^\d+$/.test(p[0]!)) continue;
    const cmdline = p.slice(5).join(' ').trim();
    out.push({
      pid: Number(p[0]), ppid: Number(p[1]) || 0, uid: Number(p[2]) || 0, label: p[3]!.trim(), exe: p[4]!.trim(), cmdline,
      role: /master process/.test(cmdline) ? 'master' : /worker process/.test(cmdline) ? 'worker' : 'other',
    });
  }
  return out;
}

/** LISTEN sockets from /proc/net/tcp and tcp6 (addresses are in the kernel's byte order per 32-bit word). */
export function readTcpListeners(text: string): Listener[] {
  const out: Listener[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[3] !== '0A' || !/^\d+:$/.test(f[0]!)) continue;
    const [hex, portHex] = f[1]!.split(':');
    if (!hex || !portHex) continue;
    const addr = hex.length === 8 ? ipv4(hex) : hex.length === 32 ? ipv6(hex) : null;
    if (addr !== null) out.push({ addr, port: parseInt(portHex, 16) });
  }
  return out;
}

function word(hex: string): number[] {
  // one little-endian 32-bit word: bytes reversed
  return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function ipv4(hex: string): string {
  return word(hex).join('.');
}

function ipv6(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) bytes.push(...word(hex.slice(w * 8, w * 8 + 8)));
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.'); // v4-mapped
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return compressV6(groups);
}

function compressV6(groups: string[]): string {
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestLen < 2) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Bound, listening unix sockets: /proc/net/unix rows with flags __SO_ACCEPTCON (00010000) and a path. */
function readUnixListening(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || !f[7]!.startsWith('/')) continue;
    if ((parseInt(f[3]!, 16) & 0x10000) === 0) continue;
    out.add(f.slice(7).join(' '));
  }
  return out;
}

function readAddresses(text: string): Set<string> {
  const out = new Set<string>(['127.0.0.1', '::1', '0.0.0.0', '::']);
  for (const m of text.matchAll(/\binet6?\s+([0-9a-fA-F.:]+)(?:\/\d+)?/g)) out.add(m[1]!.toLowerCase());
  if (!/\binet/.test(text)) for (const w of text.split(/\s+/)) if (/^[0-9a-fA-F.:]+$/.test(w) && w.includes('.') !== w.includes(':')) out.add(w.toLowerCase());
  return out;
}

/** Whether an address (v4, v6 or a name) is this host's: loopback, wildcard or one of its interfaces. */
export function isLocalAddress(facts: HostFacts, host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || /^127\./.test(h)) return true;
  return facts.addresses.has(h) || (facts.hostname !== null && h === facts.hostname.toLowerCase());
}

/** Whether some LISTEN socket accepts connections to addr:port. */
export function listensOn(facts: HostFacts, host: string, port: number): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  const wanted = h === 'localhost' ? ['127.0.0.1', '::1'] : [h];
  return facts.listeners.some((l) => l.port === port && (l.addr === '0.0.0.0' || l.addr === '::' || wanted.includes(l.addr) || (/^127\./.test(h) && l.addr === h)));
}
