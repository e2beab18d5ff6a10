// The fixed sh program of the doctor's third hop, run on a backend's own machine (locally or over
// SSH, through the same runScript/`sh -s` transport and quoting as the nginx host's programs,
// ./scripts.ts): listening TCP sockets (`ss -ltn` where installed, and /proc/net/tcp{,6}), and
// for each unit `systemctl is-active` and the last lines of `journalctl -u`. Read-only; every
// command is bounded by `timeout` when the host has it. Units travel as positional parameters.
import { shQuote } from '../remote/shell';
import type { ScriptOutput } from '../remote/records';
import { readTcpListeners, type Listener } from './facts';

export const JOURNAL_LINES = 20;

// (written with "$<" for "${", which a template literal would take as its own)
export const BACKEND_HOST = String.raw`nd_backend() {
N=$1; shift
set -f
LC_ALL=C; export LC_ALL
PATH="$PATH:/usr/sbin:/sbin:/usr/bin:/bin"; export PATH
exec 0</dev/null
beg() { printf '\n%s BEGIN %s\n' "$N" "$1"; }
fin() { printf '\n%s END %s %s\n' "$N" "$1" "$2"; }
sec() { _s=$1; shift; beg "$_s"; "$@" 2>&1; fin "$_s" $?; }
TO=; command -v timeout >/dev/null 2>&1 && TO="timeout"
printf '\n%s HELLO 1\n' "$N"
sec hostname uname -n
if command -v ss >/dev/null 2>&1; then sec ss $<TO:+$TO 10} ss -ltn; fi
beg net-tcp; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; fin net-tcp 0
_sc=no; command -v systemctl >/dev/null 2>&1 && _sc=yes
_jc=no; command -v journalctl >/dev/null 2>&1 && _jc=yes
_bt=no; [ -d /run/systemd/system ] && _bt=yes
printf '\n%s SYSTEMD %s %s %s\n' "$N" "$_sc" "$_bt" "$_jc"
i=0
for U in "$@"; do
  i=$((i + 1))
  case $U in -*|*[!A-Za-z0-9:_.@-]*) printf '\n%s BADUNIT %s\n' "$N" "$i"; continue;; esac
  if [ "$_sc" = yes ] && [ "$_bt" = yes ]; then sec "active $i" $<TO:+$TO 10} systemctl is-active -- "$U"; fi
  if [ "$_jc" = yes ]; then sec "journal $i" $<TO:+$TO 10} journalctl -u "$U" -n ${JOURNAL_LINES} --no-pager -o short-iso; fi
done
printf '\n%s BYE\n' "$N"
}
nd_backend "$@"
`.replace(/\$</g, '$' + '{');

/** stdin for `sh -s` on the backend's machine. */
export function backendHostInput(nonce: string, units: readonly string[]): string {
  if (!/^[0-9a-f]{32}$/.test(nonce)) throw new Error('bad nonce');
  return `set -- ${[nonce, ...units].map(shQuote).join(' ')}\n${BACKEND_HOST}`;
}

export interface UnitFacts {
  /** `systemctl is-active` output and status; null when not run (no systemctl, or systemd not running). */
  active: { text: string; rc: number } | null;
  /** `journalctl -u UNIT -n 20` output and status; null without journalctl. */
  journal: { text: string; rc: number } | null;
}

export interface BackendHostFacts {
  hostname: string | null;
  systemctl: boolean;
  /** systemd is PID 1 (/run/systemd/system exists). */
  booted: boolean;
  journalctl: boolean;
  listeners: Listener[];
  /** Where the listeners come from. */
  listenFrom: 'ss -ltn' | '/proc/net/tcp';
  units: Map<string, UnitFacts>;
}

export function readBackendHost(out: ScriptOutput, units: readonly string[]): BackendHostFacts {
  const sd = out.records.map((r) => /^SYSTEMD (yes|no) (yes|no) (yes|no)$/.exec(r)).find(Boolean);
  const ss = out.sections.get('ss');
  const fromSs = ss && ss.rc === 0 ? readSsListeners(ss.text) : null;
  const f: BackendHostFacts = {
    hostname: out.sections.get('hostname')?.text.trim() || null,
    systemctl: sd?.[1] === 'yes',
    booted: sd?.[2] === 'yes',
    journalctl: sd?.[3] === 'yes',
    listeners: fromSs ?? readTcpListeners(out.sections.get('net-tcp')?.text ?? ''),
    listenFrom: fromSs ? 'ss -ltn' : '/proc/net/tcp',
    units: new Map(),
  };
  units.forEach((u, i) => {
    const a = out.sections.get(`active ${i + 1}`);
    const j = out.sections.get(`journal ${i + 1}`);
    f.units.set(u, { active: a ? { text: a.text, rc: a.rc } : null, journal: j ? { text: j.text, rc: j.rc } : null });
  });
  return f;
}

/**
 * LISTEN rows of `ss -ltn`: "LISTEN 0 511 127.0.0.1:8080 0.0.0.0:*", "[::]:22", "*:22" (any
 * address, both families), "127.0.0.53%lo:53" (bound to an interface). null when no header.
 */
export function readSsListeners(text: string): Listener[] | null {
  const lines = text.split('\n');
  if (!lines.some((l) => /^State\s+Recv-Q\s+Send-Q\s+Local Address:Port/.test(l))) return null;
  const out: Listener[] = [];
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f[0] !== 'LISTEN' || f.length < 5) continue;
    const local = f[3]!;
    const colon = local.lastIndexOf(':');
    const port = Number(local.slice(colon + 1));
    if (colon < 0 || !Number.isInteger(port)) continue;
    let addr = local.slice(0, colon).replace(/^\[|\]$/g, '').replace(/%.*$/, '').toLowerCase();
    if (addr === '*') addr = '::';
    const v4mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(addr);
    out.push({ addr: v4mapped ? v4mapped[1]! : addr, port });
  }
  return out;
}
