// The program that follows a log file on the far side of an SSH connection (or, for tests, of a
// local `sh`). It is a fixed POSIX sh script; nothing a user typed is ever part of its text.
//
// How it reaches the remote shell: the SSH command line is the constant `sh -s` (or
// `sudo -n -- sh -s`), so the user's login shell (bash, zsh, fish, csh ...) only ever parses
// those constant words. The script and its parameters travel on stdin: a `set -- '...' '...'`
// line whose values are single-quoted for POSIX sh (the shell we start ourselves, so the quoting
// rules are known) and then the fixed script. Paths with quotes, `$(...)`, backticks, `;`,
// newlines or leading dashes are therefore plain data: they are only ever expanded inside double
// quotes ("$P") and given after `--` or as `if=` operands.
//
// What it writes on stdout: the raw bytes of the file, interleaved with control records. A record
// is "\n" + NONCE + " " + WORDS + "\n", where NONCE is 32 random hex digits chosen per connection:
// log content (which attackers can influence) cannot forge a record without guessing it.
//   HELLO 1                      the script runs (protocol version 1)
//   OPEN ino offset head skip size
//                                data that follows is the file at the path, from `offset`; `head` is
//                                the hex of its first bytes (up to 128; "-" for none); skip=1: the
//                                first line is partial (started mid-file), drop it; `size`: its size
//                                when opened (lines before it are history)
//   DRAIN offset                 data that follows is the rest of the previous (rotated) file,
//                                from `offset` (found by inode or, for copytruncate, by its head)
//   ROT rename|truncate|resume   the path was rotated; an OPEN follows
//   GAP reason                   the previous file could not be found: lines may be missing
//   WAIT missing                 the path does not exist (yet); still watching
//   ERR denied|notregular        cannot read the file; the script exits
//   .                            end of a burst of data (so a final "\n" is not held back as a
//                                possible record start)
//   K                            keep-alive (every ~2 s of silence), so dead connections are noticed
//
// The offset the script keeps is what dd reports it read (a read can come up short when the file
// is truncated between the size check and the read), so a copytruncate copy is read from exactly
// where reading stopped.
//
// Resuming: the caller passes the inode, offset and head it had reached. If the path still is
// that file (same inode, at least that long, same head), reading goes on from the offset. If not,
// the file was rotated while disconnected: the sibling named PATH?* with that inode (rename) or
// with that head and at least that size (copytruncate's copy) is read from the offset to its end
// first, then the new file from its start. While connected, rotation by rename is seen as a new
// inode at the path (the old file, still open on fd 3, is read to its end first); copytruncate as
// a size below the offset or a changed head (the copy is read from the offset first).

/** Bytes of a file's start used as part of its identity (with the inode). */
import { shQuote } from '../remote/shell';

export const HEAD_BYTES = 128;

// (written with "$<" for "${", which a template literal would take as its own)
export const SCRIPT = String.raw`nd_main() {
set -f
LC_ALL=C; export LC_ALL
N=$1; P=$2; MODE=$3; WINO=$4; WOFF=$5; WHEAD=$6; BACK=$7
[ "$WHEAD" = - ] && WHEAD=
exec 0</dev/null 5>&1
HL=128; CI=; OFF=0; HD=; LS=-1; T=0; MW=0; CK=0
msg() { printf '\n%s %s\n' "$N" "$*"; }
nap() { sleep 0.2 2>/dev/null || sleep 1; }
beat() { T=$((T + 1)); if [ "$T" -ge 10 ]; then msg K; T=0; fi; }
st() {
  _o=$(ls -lnidL -- "$1" 2>&1) || { case $_o in *ermission*) return 2;; esac; return 1; }
  set -- $_o
  ino=$1; typ=$2; size=$6
  typ=$<typ%"$<typ#?}"}
  return 0
}
hx() { dd if="$1" bs="$2" count=1 2>/dev/null | od -An -v -tx1 | tr -d ' \n'; }
rd() {
  _n=$1
  while [ "$_n" -gt 0 ]; do
    _c=$_n; [ "$_c" -gt 1048576 ] && _c=1048576
    _e=$(dd bs="$_c" count=1 <&3 2>&1 >&5) || return 1
    _g=; _p=
    for _x in $_e; do [ "$_x" = bytes ] && { _g=$_p; break; }; _p=$_x; done
    case $_g in ''|*[!0-9]*) _g=$_c;; esac
    OFF=$((OFF + _g))
    [ "$_g" -lt "$_c" ] && return 0
    _n=$((_n - _c))
  done
}
op() {
  st "$P"; _r=$?; [ "$_r" = 0 ] || return "$_r"
  [ "$typ" = - ] || return 3
  { command exec 3<"$P"; } 2>/dev/null || return 2
  _i=$ino
  if st "$P" && [ "$ino" = "$_i" ]; then CI=$ino; SZ=$size; return 0; fi
  exec 3<&-; return 4
}
fo() {
  FO=; _h=$3; _hl=$(($<#_h} / 2))
  set +f
  for _f in "$P"?*; do
    [ -f "$_f" ] || continue
    st "$_f" || continue
    [ "$size" -ge "$2" ] || continue
    if [ "$_hl" -gt 0 ]; then [ "$(hx "$_f" "$_hl")" = "$_h" ] || continue
    elif [ "$ino" != "$1" ]; then continue; fi
    FO=$_f
    [ "$ino" = "$1" ] && break
  done
  set -f
  [ -n "$FO" ]
}
dr() {
  { command exec 4<"$1"; } 2>/dev/null || return 1
  msg DRAIN "$2"
  [ "$2" -gt 0 ] && dd bs=1 skip="$2" count=0 <&4 2>/dev/null
  cat <&4
  exec 4<&-
}
fresh() {
  while :; do
    op; _r=$?
    case $_r in
      0) break;;
      2) msg ERR denied; exit 0;;
      3) msg ERR notregular; exit 0;;
      1) if [ "$MW" = 0 ]; then msg WAIT missing; MW=1; fi;;
    esac
    nap; beat
  done
  MW=0; OFF=0; _sk=0
  if [ "$1" = end ] && [ "$SZ" -gt "$BACK" ]; then
    OFF=$((SZ - BACK))
    [ "$(dd if="$P" bs=1 skip=$((OFF - 1)) count=1 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 0a ] || _sk=1
  fi
  [ "$OFF" -gt 0 ] && dd bs=1 skip="$OFF" count=0 <&3 2>/dev/null
  _w=$SZ; [ "$_w" -gt "$HL" ] && _w=$HL
  HD=; [ "$_w" -gt 0 ] && HD=$(hx "$P" "$_w")
  LS=-1
  msg OPEN "$CI" "$OFF" "$<HD:--}" "$_sk" "$SZ"
}
trunc() {
  if fo "$CI" "$OFF" "$HD"; then dr "$FO" "$OFF"; fi
  exec 3<&-; msg ROT truncate; fresh start
}
msg HELLO 1
if [ "$MODE" = resume ]; then
  op; _r=$?
  if [ "$_r" = 0 ] && [ "$CI" = "$WINO" ] && [ "$SZ" -ge "$WOFF" ] && { [ -z "$WHEAD" ] || [ "$(hx "$P" $(($<#WHEAD} / 2)))" = "$WHEAD" ]; }; then
    [ "$WOFF" -gt 0 ] && dd bs=1 skip="$WOFF" count=0 <&3 2>/dev/null
    OFF=$WOFF; HD=$WHEAD
    msg OPEN "$CI" "$OFF" "$<HD:--}" 0
  else
    [ "$_r" = 0 ] && exec 3<&-
    [ "$_r" = 2 ] && { msg ERR denied; exit 0; }
    if fo "$WINO" "$WOFF" "$WHEAD"; then dr "$FO" "$WOFF"; msg ROT resume; else msg GAP rotated; fi
    fresh start
  fi
else
  fresh "$MODE"
fi
while :; do
  st "$P"; _r=$?
  if [ "$_r" = 0 ] && [ "$ino" = "$CI" ]; then
    if [ "$size" -lt "$OFF" ]; then trunc; continue; fi
    CK=$((CK + 1))
    if [ "$size" != "$LS" ] || [ "$CK" -ge 5 ]; then
      CK=0; _hl=$(($<#HD} / 2)); _w=$OFF; [ "$_w" -gt "$HL" ] && _w=$HL
      if [ "$_w" -gt "$_hl" ]; then
        _n=$(hx "$P" "$_w")
        case $_n in "$HD"*) HD=$_n;; *) trunc; continue;; esac
      elif [ "$_hl" -gt 0 ] && [ "$(hx "$P" "$_hl")" != "$HD" ]; then trunc; continue
      fi
      LS=$size
    fi
    MW=0
    if [ "$size" -gt "$OFF" ]; then rd $((size - OFF)); msg .; T=0; continue; fi
  elif [ "$_r" = 0 ]; then
    cat <&3; exec 3<&-; msg ROT rename; fresh start; continue
  else
    cat <&3; msg .
    MW=$((MW + 1)); [ "$MW" = 25 ] && msg WAIT missing
  fi
  nap; beat
done
}
nd_main "$@"
`.replace(/\$</g, '$' + '{');

export type StartMode = 'end' | 'start' | 'resume';

export interface ScriptParams {
  nonce: string;
  path: string;
  mode: StartMode;
  /** For resume: the inode, offset and head hex reached before. */
  inode?: string;
  offset?: number;
  head?: string;
  /** mode "end": start this many bytes before the end (whole lines only). */
  backlog?: number;
}

/** What goes to `sh -s` on stdin: the parameters as positional parameters, then the script. */
export function scriptInput(p: ScriptParams): string {
  if (!/^[0-9a-f]{16,64}$/.test(p.nonce)) throw new Error('bad nonce');
  if (p.path.includes('\0')) throw new Error('a path cannot contain a NUL byte');
  const head = p.head && /^[0-9a-f]*$/.test(p.head) && p.head.length % 2 === 0 && p.head.length ? p.head : '-';
  const inode = p.inode && /^\d+$/.test(p.inode) ? p.inode : '0';
  const offset = Number.isSafeInteger(p.offset) && p.offset! >= 0 ? String(p.offset) : '0';
  const backlog = Number.isSafeInteger(p.backlog) && p.backlog! >= 0 ? String(p.backlog) : '0';
  const args = [p.nonce, p.path, p.mode, inode, offset, head, backlog].map(shQuote).join(' ');
  return `set -- ${args}\n${SCRIPT}`;
}
