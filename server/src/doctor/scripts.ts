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

/** Phase 1: who we are, the nginx binary, processes (with their executables), systemd, sockets, MAC. */
export const GATHER = String.raw`nd_gather() {
N=$1; NGX=$2
${PRELUDE}
printf '\n%s HELLO 1\n' "$N"
sec whoami id -u
sec date date '+%Y/%m/%d %H:%M:%S'
sec hostname uname -n
if [ "$NGX" = - ]; then NGX=$(command -v nginx 2>/dev/null) || NGX=; fi
beg nginx-path; printf '%s\n' "$NGX"; [ -n "$NGX" ] && [ -e "$NGX" ] && printf 'exists\n'; fin nginx-path 0
if [ -n "$NGX" ] && [ -f "$NGX" ] && [ -x "$NGX" ]; then
  sec nginx-V $<TO:+$TO 20} "$NGX" -V
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
  _e=$(readlink "$_d/exe" 2>/dev/null | tr '\t\n' '  ')
  _m=$(tr '\0\t\n' '   ' < "$_d/cmdline" 2>/dev/null)
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$<_d#/proc/}" "$_p" "$_u" "$_a" "$_e" "$_m"
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
 * Phase 1b: `nginx -t` and `nginx -T` of each instance found in phase 1, with the options its master
 * was started with. Items in fives "BINARY PREFIX CONF GLOBALS ERRORLOG" ("" when not given):
 * sections "nginx-t i" and "nginx-T i" (i from 1).
 */
export const INSTANCES = String.raw`nd_instances() {
N=$1; shift
${PRELUDE}
printf '\n%s HELLO 1\n' "$N"
ng() {
  _b=$1; _p=$2; _c=$3; _g=$4; _e=$5; _f=$6
  $<TO:+$TO 30} "$_b" "$_f" $<_p:+-p "$_p"} $<_c:+-c "$_c"} $<_g:+-g "$_g"} $<_e:+-e "$_e"}
}
i=0
while [ $# -ge 5 ]; do
  i=$((i + 1))
  if [ -f "$1" ] && [ -x "$1" ]; then
    sec "nginx-t $i" ng "$1" "$2" "$3" "$4" "$5" -t
    beg "nginx-T $i"; ng "$1" "$2" "$3" "$4" "$5" -T 2>/dev/null; fin "nginx-T $i" $?
  fi
  shift 5
done
printf '\n%s BYE\n' "$N"
}
nd_instances "$@"
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

/**
 * Phase 3 (opt-in, --request): one GET per item, from the host to nginx itself. Items in fives
 * "SCHEME ADDR PORT HOST TARGET" (checked in requests.ts: an address, a plain host name, a target of
 * printable ASCII). With curl: the status, seconds to the first byte and in all; without it, http
 * only, through bash's /dev/tcp with an HTTP/1.0 request. Records "H i rc CODE FIRSTBYTE TOTAL"
 * (or "H i rc message"). Only GET is ever sent, at most 30 s each, one at a time.
 */
export const REQUEST = String.raw`nd_request() {
N=$1; shift
${PRELUDE}
printf '\n%s HELLO 1\n' "$N"
one() { printf '%s' "$1" | tr '\n\r\t' '   ' | cut -c1-300; }
i=0
while [ $# -ge 5 ]; do
  i=$((i + 1)); _s=$1; _a=$2; _p=$3; _h=$4; _t=$5; shift 5
  case $_a in *:*) _u="[$_a]";; *) _u=$_a;; esac
  if command -v curl >/dev/null 2>&1; then
    if [ "$_s" = https ]; then
      _o=$($<TO:+$TO 35} curl -sS -g --path-as-is -k -o /dev/null --max-time 30 -A nginx-doctor-verify -w '%{http_code} %{time_starttransfer} %{time_total}' --resolve "$_h:$_p:$_a" "https://$_h:$_p$_t" 2>&1); _r=$?
    else
      _o=$($<TO:+$TO 35} curl -sS -g --path-as-is -o /dev/null --max-time 30 -A nginx-doctor-verify -H "Host: $_h" -w '%{http_code} %{time_starttransfer} %{time_total}' "http://$_u:$_p$_t" 2>&1); _r=$?
    fi
  elif [ "$_s" = http ] && command -v bash >/dev/null 2>&1; then
    _o=$($<TO:+$TO 35} bash -c 't0=$(date +%s%N); exec 3<>"/dev/tcp/$1/$2" || exit 7; printf "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: nginx-doctor-verify\r\nConnection: close\r\n\r\n" "$4" "$3" >&3; IFS= read -r l <&3 || exit 52; t1=$(date +%s%N); cat <&3 >/dev/null; t2=$(date +%s%N); set -- $l; a=$(( (t1 - t0) / 1000000 )); b=$(( (t2 - t0) / 1000000 )); printf "%s %d.%03d %d.%03d" "$2" $((a / 1000)) $((a % 1000)) $((b / 1000)) $((b % 1000))' nd "$_a" "$_p" "$_h" "$_t" 2>&1); _r=$?
  else
    _o='neither curl nor bash is installed (https needs curl)'; _r=127
  fi
  printf '\n%s H %s %s %s\n' "$N" "$i" "$_r" "$(one "$_o")"
done
sec date date '+%Y/%m/%d %H:%M:%S'
printf '\n%s BYE\n' "$N"
}
nd_request "$@"
`.replace(/\$</g, '$' + '{');

export type ProbeItem = { kind: 'T'; host: string; port: number } | { kind: 'B'; host: string; port: number } | { kind: 'S'; path: string } | { kind: 'L'; path: string; lines: number } | { kind: 'U'; user: string };

function checkWord(s: string, what: string): string {
  if (s.includes('\0')) throw new Error(`${what} contains a NUL byte`);
  return s;
}

/** stdin for `sh -s`: phase 1. nginx: the binary on the host, or undefined for the one on PATH. */
export function gatherInput(nonce: string, nginx?: string): string {
  if (!/^[0-9a-f]{32}$/.test(nonce)) throw new Error('bad nonce');
  const args = [nonce, checkWord(nginx || '-', 'the nginx path')];
  return `set -- ${args.map(shQuote).join(' ')}\n${GATHER}`;
}

/** stdin for `sh -s`: phase 3, one GET per target. */
export function requestInput(nonce: string, list: readonly { scheme: string; addr: string; port: number; host: string; target: string }[]): string {
  if (!/^[0-9a-f]{32}$/.test(nonce)) throw new Error('bad nonce');
  const words = [nonce];
  for (const r of list) words.push(r.scheme, checkWord(r.addr, 'an address'), String(Math.trunc(r.port)), checkWord(r.host, 'a host'), checkWord(r.target, 'a URI'));
  return `set -- ${words.map(shQuote).join(' ')}\n${REQUEST}`;
}

export interface InstanceArgs {
  binary: string;
  prefixOpt: string;
  confOpt: string;
  globals: string;
  errorLogOpt: string;
}

/** stdin for `sh -s`: phase 1b, nginx -t / -T per instance. */
export function instancesInput(nonce: string, list: readonly InstanceArgs[]): string {
  if (!/^[0-9a-f]{32}$/.test(nonce)) throw new Error('bad nonce');
  const words = [nonce];
  for (const i of list) words.push(...[i.binary, i.prefixOpt, i.confOpt, i.globals, i.errorLogOpt].map((w) => checkWord(w, 'an nginx option')));
  return `set -- ${words.map(shQuote).join(' ')}\n${INSTANCES}`;
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
