// The program that follows a log file on the far side of an SSH connection (or, for tests, of a
// local `sh`). It is a fixed POSIX sh script; nothing a user typed is ever part of its text.
//
// How it reaches the remote shell: the SSH command line is the constant `sh -s` (or
// `sudo -n -- sh -s`), so the user's login shell (bash, zsh, fish, csh ...) only ever parses
// those constant words. The script and its parameters travel on stdin: a `set -- '...' '...'`
// line whose values are single-quoted for POSIX sh (the shell we start ourselves, so the quoting
// rules are known) and then the fixed script. Paths with quotes, `$(...)`, backticks, `;`,
// newlines or leading dashes are therefore plain data: they are only ever expanded inside double
// quotes ("$P") and given after `--`, as `if=` operands or on stdin (`gzip -dc < "$F"`).
//
// What it writes on stdout: the raw bytes of the file, interleaved with control records. A record
// is "\n" + NONCE + " " + WORDS + "\n", where NONCE is 32 random hex digits chosen per connection:
// log content (which attackers can influence) cannot forge a record without guessing it.
//   HELLO 2                      the script runs (protocol version 2)
//   OPEN ino offset head skip size
//                                data that follows is the file at the path, from `offset`; `head` is
//                                the hex of its first bytes (up to 128; "-" for none); skip=1: the
//                                first line is partial (started mid-file), drop it; `size`: its size
//                                when opened (lines before it are history)
//   ROT rename                   another file is at the path: the old one (still open) is read on
//                                until quiet, then a LIST rename follows
//   LIST why curino cursize lastsize readupto posino posoff poshead
//                                the rotated files next to the log follow (why: rename = after the old
//                                file was read until quiet; truncate = copytruncate; resume = rotated
//                                while disconnected); the generation being read was posino at posoff
//   GEN ino size mtime comp ok namehex headhex contentsize
//                                one file next to the log that looks rotated (comp: gz bz2 xz zst or
//                                -; ok=0: no decompressor here; head and contentsize of the content)
//   LEND                         end of the list: the script now reads one line from stdin, the
//                                plan (tail/generations.ts decides): "F ino off" (follow a renamed
//                                file from off until quiet), "R ino off" (read it once, decompressing
//                                when needed), then "." ; only digits reach the script; or "?": list
//                                again (the list had a gap: it may have been taken mid-rename)
//   DRAIN ino offset             data that follows is that rotated file from `offset`
//   MISS ino                     that file was gone when its turn came
//   LATE                         the renamed file was still being written when the limit ended reading it
//   WAIT missing                 the path does not exist (yet); still watching
//   ERR denied|notregular        cannot read the file; the script exits
//   .                            end of a burst of data (so a final "\n" is not held back as a
//                                possible record start)
//   K                            keep-alive (every ~2 s of silence), so dead connections are noticed
//
// After a copytruncate's copy was read, the rotated files are checked again (by inode) before the
// file is read from its start: something new means it was truncated again meanwhile, and the list
// goes to the client once more (LIST truncate ... posoff 0), which plans what is new since.
//
// The offset the script keeps is what dd reports it read (a read can come up short when the file
// is truncated between the size check and the read), so a copytruncate copy is read from exactly
// where reading stopped.
//
// Rename while connected: the old file stays open on fd 3 and the new one is opened on fd 6; the
// old one is read on until it has been quiet for QT naps (~0.2 s each) once the new one has a line
// (nginx's workers write to the old file until the reopen signal reaches each of them), at most
// MXT naps; only then are the rotated files listed (so whatever was rotated meanwhile, a copy of
// the new file included, is read too), then fd 6 from its start. Resuming: if the path
// still is the file that was being read (same inode, at least that long, same head), reading goes
// on from the offset; otherwise the rotated files are listed and the plan says what to read.

/** Bytes of a file's start used as part of its identity (with the inode). */
import { shQuote } from '../remote/shell';

export const HEAD_BYTES = 128;

// (written with "$<" for "${", which a template literal would take as its own)
export const SCRIPT = String.raw`nd_main() {
set -f
LC_ALL=C; export LC_ALL
N=$1; P=$2; MODE=$3; WINO=$4; WOFF=$5; WHEAD=$6; BACK=$7; QT=$8; MXT=$9
[ "$WHEAD" = - ] && WHEAD=
exec 7<&0 0</dev/null 5>&1
HL=128; CI=; OFF=0; HD=; LS=-1; T=0; MW=0; CK=0; MS=0; CUR=; NH=; NS=0
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
by() { _g=; _p=; for _x in $1; do [ "$_x" = bytes ] && { _g=$_p; break; }; _p=$_x; done; case $_g in ''|*[!0-9]*) _g=$2;; esac; }
rd() {
  _n=$1
  while [ "$_n" -gt 0 ]; do
    _c=$_n; [ "$_c" -gt 1048576 ] && _c=1048576
    _e=$(dd bs="$_c" count=1 <&3 2>&1 >&5) || return 1
    by "$_e" "$_c"
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
o6() {
  CUR=
  st "$P" && [ "$typ" = - ] || return 1
  { command exec 6<"$P"; } 2>/dev/null || return 1
  _i=$ino
  if st "$P" && [ "$ino" = "$_i" ]; then CUR=$ino; return 0; fi
  exec 6<&-; return 1
}
dz() { case $1 in *.gz) gzip -dc;; *.bz2) bzip2 -dc;; *.xz) xz -dc;; *.zst) zstd -dc;; esac < "$1" 2>/dev/null; }
zok() { case $1 in *.gz) command -v gzip;; *.bz2) command -v bzip2;; *.xz) command -v xz;; *.zst) command -v zstd;; esac >/dev/null 2>&1; }
isz() { set -- $(tail -c 4 < "$1" 2>/dev/null | od -An -tu1); if [ $# = 4 ]; then echo $(($1 + 256 * $2 + 65536 * $3 + 16777216 * $4)); else echo -1; fi; }
enc() { printf %s "$1" | od -An -v -tx1 | tr -d ' \n'; }
lg() {
  while :; do
  msg LIST "$@"
  set +f; SN=
  for _f in "$P"?*; do
    [ -f "$_f" ] || continue
    case $<_f#"$P"} in [._-]*[0-9]*) ;; *) continue;; esac
    st "$_f" || continue
    SN="$SN $ino"
    _c=-; _k=1; _cs=$size; _h=
    case $_f in *.gz) _c=gz;; *.bz2) _c=bz2;; *.xz) _c=xz;; *.zst) _c=zst;; esac
    if [ "$_c" = - ]; then _w=$size; [ "$_w" -gt "$HL" ] && _w=$HL; [ "$_w" -gt 0 ] && _h=$(hx "$_f" "$_w")
    elif zok "$_f"; then
      _h=$(dz "$_f" | dd bs=1 count=$HL 2>/dev/null | od -An -v -tx1 | tr -d ' \n'); _cs=-1
      [ "$_c" = gz ] && _cs=$(isz "$_f")
    else _k=0; _cs=-1; fi
    _m=$(stat -c %Y -- "$_f" 2>/dev/null); case $_m in ''|*[!0-9]*) _m=0;; esac
    msg GEN "$ino" "$size" "$_m" "$_c" "$_k" "$(enc "$<_f##*/}")" "$<_h:--}" "$_cs"
  done
  set -f
  msg LEND
  read -r PL <&7 || exit 0
  [ "$PL" = "?" ] || return 0
  nap
  done
}
nw() {
  # a rotated file (by inode) that was not there at the last list
  _s=; set +f
  for _f in "$P"?*; do
    [ -f "$_f" ] || continue
    case $<_f#"$P"} in [._-]*[0-9]*) ;; *) continue;; esac
    st "$_f" && _s="$_s $ino"
  done
  set -f
  for _x in $_s; do case "$SN " in *" $_x "*) ;; *) return 0;; esac; done
  return 1
}
nl() {
  [ -n "$CUR" ] || o6 || return 1
  st "$P" || return 1
  [ "$ino" = "$CUR" ] || return 0
  [ "$size" -gt 0 ]
}
gr() {
  _q=0; _t=0; _d=0
  while :; do
    _e=$(dd bs=65536 <&$1 2>&1 >&5)
    by "$_e" 0
    if [ "$_g" -gt 0 ]; then msg .; _q=0; _d=0; T=0; nl; else _d=$((_d + 1)); nl && _q=$((_q + 1)); fi
    [ "$_q" -ge "$QT" ] && return 0
    _t=$((_t + 1))
    if [ "$_t" -ge "$MXT" ]; then [ "$_d" -lt "$QT" ] && msg LATE; return 0; fi
    nap; beat
  done
}
fb() {
  FO=; set +f
  for _f in "$P"?*; do st "$_f" && [ "$ino" = "$1" ] && { FO=$_f; break; }; done
  set -f; [ -n "$FO" ]
}
ex() {
  while [ $# -ge 3 ]; do
    XK=$1; XI=$2; XO=$3; shift 3
    case $XI$XO in ''|*[!0-9]*) continue;; esac
    if ! fb "$XI"; then msg MISS "$XI"; continue; fi
    case $FO in
      *.gz|*.bz2|*.xz|*.zst)
        msg DRAIN "$XI" "$XO"
        if [ "$XO" -gt 0 ]; then dz "$FO" | tail -c +$((XO + 1)); else dz "$FO"; fi;;
      *)
        if ! { command exec 4<"$FO"; } 2>/dev/null; then msg MISS "$XI"; continue; fi
        msg DRAIN "$XI" "$XO"
        [ "$XO" -gt 0 ] && dd bs=1 skip="$XO" count=0 <&4 2>/dev/null
        if [ "$XK" = F ]; then gr 4; else cat <&4; fi
        exec 4<&-;;
    esac
    msg .
  done
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
  # read by name: if the path changed meanwhile, the head is learnt from the data instead
  st "$P" && [ "$ino" = "$CI" ] || HD=
  LS=-1; MS=$SZ
  msg OPEN "$CI" "$OFF" "$<HD:--}" "$_sk" "$SZ"
}
trunc() {
  exec 3<&-
  lg truncate "$CI" 0 "$MS" "$OFF" "$CI" "$OFF" "$<HD:--}"
  set -- $PL; ex "$@"
  # truncated again while the copy was read: the generation in between is only in a newer copy,
  # read whole (the client plans: what is new since the last list), until nothing new is listed
  while nw; do lg truncate "$CI" 0 0 0 "$CI" 0 -; set -- $PL; ex "$@"; done
  if st "$P" && [ "$ino" = "$CI" ]; then
    fresh start
    # truncated again between that check and the open (a slow host): nothing read from it yet, again
    nw && trunc
    return
  fi
  # the path is another file by now (rotated meanwhile): this one again from its start, wherever it went
  if fb "$CI" && { command exec 3<"$FO"; } 2>/dev/null; then OFF=0; HD=; LS=-1; MS=0; msg OPEN "$CI" 0 - 0 0; else fresh start; fi
}
sw() {
  if [ -z "$CUR" ]; then fresh start; return; fi
  # the head it had when listed: the loop checks it before reading, so a truncation meanwhile is seen
  exec 3<&6 6<&-; CI=$CUR; CUR=; OFF=0; HD=$NH; LS=-1; MS=$NS; NH=; NS=0
  msg OPEN "$CI" 0 "$<HD:--}" 0 0
}
msg HELLO 2
if [ "$MODE" = resume ]; then
  op; _r=$?
  if [ "$_r" = 0 ] && [ "$CI" = "$WINO" ] && [ "$SZ" -ge "$WOFF" ] && { [ -z "$WHEAD" ] || [ "$(hx "$P" $(($<#WHEAD} / 2)))" = "$WHEAD" ]; }; then
    [ "$WOFF" -gt 0 ] && dd bs=1 skip="$WOFF" count=0 <&3 2>/dev/null
    OFF=$WOFF; HD=$WHEAD; MS=$SZ
    msg OPEN "$CI" "$OFF" "$<HD:--}" 0
  else
    [ "$_r" = 2 ] && { msg ERR denied; exit 0; }
    CUR=; _ci=0; _sz=0
    if [ "$_r" = 0 ]; then
      _ci=$CI; _sz=$SZ
      if [ "$CI" = "$WINO" ]; then exec 3<&-; else exec 6<&3 3<&-; CUR=$CI; fi
    fi
    lg resume "$_ci" "$_sz" 0 0 "$WINO" "$WOFF" "$<WHEAD:--}"
    set -- $PL; ex "$@"
    sw
  fi
else
  fresh "$MODE"
fi
while :; do
  st "$P"; _r=$?
  if [ "$_r" = 0 ] && [ "$ino" = "$CI" ]; then
    [ "$size" -gt "$MS" ] && MS=$size
    if [ "$size" -lt "$OFF" ]; then trunc; continue; fi
    CK=$((CK + 1))
    if [ "$size" != "$LS" ] || [ "$CK" -ge 5 ]; then
      CK=0; _hl=$(($<#HD} / 2)); _w=$OFF; [ "$_w" -gt "$HL" ] && _w=$HL
      # the head is read by name: only a mismatch while the path still is this file counts
      if [ "$_w" -gt "$_hl" ]; then
        _n=$(hx "$P" "$_w")
        case $_n in "$HD"*) HD=$_n;; *) if st "$P" && [ "$ino" = "$CI" ]; then trunc; fi; continue;; esac
      elif [ "$_hl" -gt 0 ] && [ "$(hx "$P" "$_hl")" != "$HD" ]; then
        if st "$P" && [ "$ino" = "$CI" ]; then trunc; fi; continue
      fi
      LS=$size
    fi
    MW=0
    if [ "$size" -gt "$OFF" ]; then rd $((size - OFF)); msg .; T=0; continue; fi
  elif [ "$_r" = 0 ]; then
    # renamed: the old file on until quiet, then what was rotated meanwhile (listed only now), then the new one
    o6; msg ROT rename
    gr 3; exec 3<&-
    # the new file before the list (first bytes, then size): truncated (copytruncate) before it is
    # read, its copy is read from its start unless the list already had it (the client knows)
    NS=0; NH=
    if [ -n "$CUR" ]; then NH=$(hx "$P" "$HL"); if st "$P" && [ "$ino" = "$CUR" ]; then NS=$size; else NH=; fi; fi
    lg rename "$<CUR:-0}" 0 "$MS" "$OFF" "$CI" "$OFF" "$<HD:--}"
    set -- $PL; ex "$@"
    sw; continue
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
  /** After a rename, read the old file until quiet this long once the new one has a line (default 5 s), at most maxMs (default 60 s). */
  quietMs?: number;
  maxMs?: number;
}

/** What goes to `sh -s` on stdin: the parameters as positional parameters, then the script. */
export function scriptInput(p: ScriptParams): string {
  if (!/^[0-9a-f]{16,64}$/.test(p.nonce)) throw new Error('bad nonce');
  if (p.path.includes('\0')) throw new Error('a path cannot contain a NUL byte');
  const head = p.head && /^[0-9a-f]*$/.test(p.head) && p.head.length % 2 === 0 && p.head.length ? p.head : '-';
  const inode = p.inode && /^\d+$/.test(p.inode) ? p.inode : '0';
  const offset = Number.isSafeInteger(p.offset) && p.offset! >= 0 ? String(p.offset) : '0';
  const backlog = Number.isSafeInteger(p.backlog) && p.backlog! >= 0 ? String(p.backlog) : '0';
  // the script naps ~0.2 s between polls: durations travel as numbers of naps
  const ticks = (ms: number | undefined, dflt: number): string => String(Math.max(1, Math.ceil((Number.isFinite(ms) && ms! >= 0 ? ms! : dflt) / 200)));
  const args = [p.nonce, p.path, p.mode, inode, offset, head, backlog, ticks(p.quietMs, 5_000), ticks(p.maxMs, 60_000)].map(shQuote).join(' ');
  return `set -- ${args}\n${SCRIPT}`;
}
