// The two fixed POSIX sh programs that "Check server for 502 causes" runs on the nginx host,
// locally (`sh -s`) or over SSH (`ssh DEST sh -s`): the same transport as tail (see
// ../remote/shell.ts and ../tail/remote-script.ts for why the command line is constant and the parameters travel on
// stdin as single-quoted positional parameters). Nothing here changes the host: the programs
// read /proc, run `nginx -V`, `nginx -t`, `nginx -T`, `systemctl show/status`, `getenforce`,
// `getsebool`, `ls`, `tail`, `getent`, `id`, and open TCP connections to the backends (closed at
// once, nothing is sent).
//
// Output: records "\n" + NONCE + " " + WORDS + "\n" (NONCE: 32 random hex digits per run), and
// sections: a "BEGIN name" record, the raw output of a command, an "END name rc" record.
import { shQuote } from '../remote/shell';

// (written with "$<" for "${", which a template literal would take as its own)
const PRELUDE = String.raw`set -f
LC_ALL=C; export LC_ALL
PATH="$PATH:/usr/local/sbin:/usr/local/nginx/sbin:/usr/sbin:/sbin"; export PATH
exec 0</dev/null
beg() { printf '\n%s BEGIN %s\n' "$N" "$1"; }
fin() { printf '\n%s END %s %s\n' "$N" "$1" "$2"; }
sec() { _s=$1; shift; beg "$_s"; "$@" 2>&1; fin "$_s" $?; }
TO=; command -v timeout >/dev/null 2>&1 && TO="timeout"
`;

/** Phase 1: who we are, the nginx binary, processes, systemd, nginx -t / -T, sockets, MAC. */
export const GATHER = String.raw`nd_gather() {
N=$1; NGX=$2; CONF=$3
${PRELUDE}
printf '\n%s HELLO 1\n' "$N"
sec whoami id -u
sec date date '+%Y/%m/%d %H:%M:%S'
sec hostname uname -n
if [ "$NGX" = - ]; then NGX=$(command -v nginx 2>/dev/null) || NGX=; fi
beg nginx-path; printf '%s\n' "$NGX"; [ -n "$NGX" ] && [ -e "$NGX" ] && printf 'exists\n'; fin nginx-path 0
if [ -n "$NGX" ] && [ -f "$NGX" ] && [ -x "$NGX" ]; then
  sec nginx-V $<TO:+$TO 20} "$NGX" -V
  if [ "$CONF" = - ]; then
    sec nginx-t $<TO:+$TO 30} "$NGX" -t
    beg nginx-T; $<TO:+$TO 30} "$NGX" -T 2>/dev/null; fin nginx-T $?
  else
    sec nginx-t $<TO:+$TO 30} "$NGX" -t -c "$CONF"
    beg nginx-T; $<TO:+$TO 30} "$NGX" -T -c "$CONF" 2>/dev/null; fin nginx-T $?
  fi
fi
beg procs
set +f
for _d in /proc/[0-9]*; do
  _c=; read -r _c < "$_d/comm" 2>/dev/null || continue
  [ "$_c" = nginx ] || continue
  _u=; _p=
  while read -r _k _v _r; do
    case $_k in Uid:) _u=$_v;; PPid:) _p=$_v;; esac
  done < "$_d/status" 2>/dev/null
  _a=; read -r _a < "$_d/attr/current" 2>/dev/null
  _m=$(tr '\0\t\n' '   ' < "$_d/cmdline" 2>/dev/null)
  printf '%s\t%s\t%s\t%s\t%s\n' "$<_d#/proc/}" "$_p" "$_u" "$_a" "$_m"
done
set -f
fin procs 0
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  sec systemd $<TO:+$TO 10} systemctl show nginx.service --no-pager -p LoadState -p ActiveState -p SubState -p Result -p MainPID
  sec systemd-status $<TO:+$TO 10} systemctl status nginx.service --no-pager -n 5 -l
fi
beg net-tcp; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; fin net-tcp 0
beg net-unix; cat /proc/net/unix 2>/dev/null; fin net-unix 0
beg addrs; { ip -o addr show 2>/dev/null || hostname -I 2>/dev/null; }; fin addrs 0
if command -v getenforce >/dev/null 2>&1; then
  sec selinux getenforce
  command -v getsebool >/dev/null 2>&1 && sec selinux-bool getsebool httpd_can_network_connect
fi
if [ -r /sys/module/apparmor/parameters/enabled ]; then sec apparmor cat /sys/module/apparmor/parameters/enabled; fi
printf '\n%s BYE\n' "$N"
}
nd_gather "$@"
`.replace(/\$</g, '$' + '{');

/**
 * Phase 2: items in triples "KIND A B":
 *   T host port   TCP connect (in parallel, 16 at a time, 3 s each): "T i rc message"
 *   S path -      `ls -lndL` of a path: "S i rc output"
 *   L path n      the last n lines of a file, as a section "L i" (or "L i missing|denied|notfile")
 *   U user -      passwd entry and group ids: "U i gids|passwd-line"
 *   B host port   what the port speaks: connect, send the 6 bytes of a TLS record header (no
 *                 request reaches an application: HTTP servers answer 400, TLS servers an alert,
 *                 FastCGI servers close) and read up to 5 bytes for 2 s: "B i rc hex-bytes"
 */
export const PROBE = String.raw`nd_probe() {
N=$1; shift
${PRELUDE}
printf '\n%s HELLO 1\n' "$N"
PR=; if command -v bash >/dev/null 2>&1; then PR=bash; elif command -v nc >/dev/null 2>&1; then PR=nc; fi
one() { printf '%s' "$1" | tr '\n\r\t' '   ' | cut -c1-300; }
pr() {
  case "$2$3" in
    -*|*[!A-Za-z0-9_.:%-]*) _o='not probed: the address starts with "-" or holds other characters than letters, digits and . _ : % -'; _r=2;;
    *) case $PR in
      bash) _o=$($<TO:+$TO 3} bash -c 'exec 3<>"/dev/tcp/$1/$2"' nd "$2" "$3" 2>&1); _r=$?;;
      nc) case "$3" in -*) _o='not probed: the port starts with "-"'; _r=2;; *) _o=$($<TO:+$TO 4} nc -z -w 3 -- "$2" "$3" 2>&1); _r=$?;; esac;;
      *) _o='neither bash nor nc is installed'; _r=127;;
    esac;;
  esac
  printf '\n%s T %s %s %s\n' "$N" "$1" "$_r" "$(one "$_o")"
}
by() {
  if [ "$PR" = bash ]; then
    _o=$($<TO:+$TO 4} bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 3; printf "\026\003\001\000\001\001" >&3; '"$<TO:+$TO 2}"' head -c 5 <&3 | od -An -tx1' nd "$2" "$3" 2>/dev/null); _r=$?
  else _o=; _r=127; fi
  printf '\n%s B %s %s %s\n' "$N" "$1" "$_r" "$(one "$_o")"
}
i=0; j=0
while [ $# -ge 3 ]; do
  _k=$1; _a=$2; _b=$3; shift 3; i=$((i + 1))
  if [ "$_k" = T ] || [ "$_k" = B ]; then
    if [ "$_k" = T ]; then pr "$i" "$_a" "$_b" & else by "$i" "$_a" "$_b" & fi
    j=$((j + 1)); if [ "$j" -ge 16 ]; then wait; j=0; fi
    continue
  fi
  if [ "$j" -gt 0 ]; then wait; j=0; fi
  case $_k in
    S) _o=$(ls -lndL -- "$_a" 2>&1); _r=$?; printf '\n%s S %s %s %s\n' "$N" "$i" "$_r" "$(one "$_o")";;
    L)
      if [ ! -e "$_a" ]; then printf '\n%s L %s missing\n' "$N" "$i"
      elif [ ! -f "$_a" ]; then printf '\n%s L %s notfile\n' "$N" "$i"
      elif [ ! -r "$_a" ]; then printf '\n%s L %s denied\n' "$N" "$i"
      else beg "L $i"; tail -n "$_b" -- "$_a" 2>&1; fin "L $i" $?
      fi;;
    U)
      _p=$(getent passwd "$_a" 2>/dev/null | head -n 1); _n=$<_p%%:*}; _g=
      [ -n "$_n" ] && _g=$(id -G -- "$_n" 2>/dev/null)
      printf '\n%s U %s %s|%s\n' "$N" "$i" "$_g" "$_p";;
  esac
done
wait
printf '\n%s BYE\n' "$N"
}
nd_probe "$@"
`.replace(/\$</g, '$' + '{');

export type ProbeItem = { kind: 'T'; host: string; port: number } | { kind: 'B'; host: string; port: number } | { kind: 'S'; path: string } | { kind: 'L'; path: string; lines: number } | { kind: 'U'; user: string };

function checkWord(s: string, what: string): string {
  if (s.includes('\0')) throw new Error(`${what} contains a NUL byte`);
  return s;
}

/** stdin for `sh -s`: phase 1. nginx / conf: server-side paths, or undefined for the defaults. */
export function gatherInput(nonce: string, nginx?: string, conf?: string): string {
  if (!/^[0-9a-f]{32}$/.test(nonce)) throw new Error('bad nonce');
  const args = [nonce, checkWord(nginx || '-', 'the nginx path'), checkWord(conf || '-', 'the config path')];
  return `set -- ${args.map(shQuote).join(' ')}\n${GATHER}`;
}

/** stdin for `sh -s`: phase 2. TCP and byte probes must come first (they run in parallel). */
export function probeInput(nonce: string, items: ProbeItem[]): string {
  if (!/^[0-9a-f]{32}$/.test(nonce)) throw new Error('bad nonce');
  const words: string[] = [nonce];
  for (const it of items) {
    if (it.kind === 'T' || it.kind === 'B') words.push(it.kind, checkWord(it.host, 'a host'), String(Math.trunc(it.port)));
    else if (it.kind === 'S') words.push('S', checkWord(it.path, 'a path'), '-');
    else if (it.kind === 'L') words.push('L', checkWord(it.path, 'a path'), String(Math.max(1, Math.trunc(it.lines))));
    else words.push('U', checkWord(it.user, 'a user name'), '-');
  }
  return `set -- ${words.map(shQuote).join(' ')}\n${PROBE}`;
}
