// The nginx-doctor command line: the same core as the language server, for CI and other editors.
import { runCheck } from './cli/check';
import { runFix } from './cli/fix';
import { runMatch } from './cli/match';
import { runExplain } from './cli/explain';
import { runTail } from './cli/tail';
import { runDoctorCommand } from './cli/doctor';
import { UsageError } from './cli/args';
import { VERSION } from './version';
import { startStdioServer } from './lsp/start';

const HELP = `nginx-doctor ${VERSION}: finds the nginx config mistakes that cause 502/504s

Usage:
  nginx-doctor check [--format text|json|sarif] [--nginx-version X.Y.Z] [--prefix DIR]
                     [--conf-dir DIR] [--rule ID=off|error|warning|info|hint] FILE...
  nginx-doctor fix [--dry-run] [--nginx-version X.Y.Z] [--conf-dir DIR] [--rule ID=LEVEL] FILE...
                                    apply every preferred quick fix (--dry-run prints a diff)
  nginx-doctor match --config ROOT [--addr IP] [--format text|json] URL...
                                    which server block and location nginx picks for each URL
  nginx-doctor explain --config ROOT [--format text|json] [--all] [LOGFILE|-]
                                    link 502/504 error- and access-log lines to their location,
                                    with the cause and what to check (reads stdin for "-")
  nginx-doctor tail [--config ROOT] [--ssh DEST] [--sudo] [--remote-config] [--format text|json]
                    [--failures] [--from-start] [--ssh-config FILE] SOURCE... [--command ARGV...]
                                    follow error logs live (files, ssh://[user@]host/path, paths on
                                    --ssh DEST, or a command's output); 502/504 lines get their cause
                                    and server/location file:line. Stops on Ctrl-C (exit 0)
  nginx-doctor doctor [--ssh DEST] [--sudo] [--config ROOT] [--format text|json] [--nginx PATH]
                      [--nginx-conf PATH] [--error-log PATH]... [--lines N] [--timeout SECONDS]
                      [--save-config DIR]
                                    the 502 checklist against this machine or an SSH host: nginx up,
                                    nginx -t, deployed vs workspace config, every backend probed from
                                    the host, unix sockets, recent error-log failures, SELinux/AppArmor.
                                    Read-only; --sudo uses passwordless sudo only
  nginx-doctor lsp --stdio          start the language server on stdin/stdout
  nginx-doctor --version | --help

check and fix exit 0 when no error is left, 1 when there is one, 2 on a usage or I/O failure.
doctor exits 1 when a check fails, 0 otherwise, 2 on a usage error.
match and explain exit 0, or 2 on a usage or I/O failure; tail exits 0 when stopped, 1 when every
source failed, 2 on a usage error.
Includes are resolved relative to the root config's directory (nginx's conf prefix), or --conf-dir.
`;

function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      io.out(HELP);
      process.exitCode = cmd === undefined ? 2 : 0;
    } else if (cmd === '--version' || cmd === '-v') {
      io.out(`${VERSION}\n`);
    } else if (cmd === 'check') {
      process.exitCode = runCheck(rest, io);
    } else if (cmd === 'fix') {
      process.exitCode = runFix(rest, io);
    } else if (cmd === 'match') {
      process.exitCode = runMatch(rest, io);
    } else if (cmd === 'explain') {
      // a closed pipe (explain ... | head) ends the run quietly
      process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(0) : fail(e, io)));
      const asyncIo = {
        out: (t: string) => process.stdout.write(t),
        err: io.err,
        drain: () => new Promise<void>((res) => process.stdout.once('drain', () => res())),
        stdin: process.stdin,
      };
      runExplain(rest, asyncIo).then((code) => (process.exitCode = code), (e: unknown) => fail(e, io));
    } else if (cmd === 'tail') {
      process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(0) : fail(e, io)));
      const tailIo = {
        out: (t: string) => process.stdout.write(t),
        err: io.err,
        drain: () => new Promise<void>((res) => process.stdout.once('drain', () => res())),
        onStop: (cb: () => void) => {
          process.once('SIGINT', cb);
          process.once('SIGTERM', cb);
        },
        color: process.stdout.isTTY === true && !process.env.NO_COLOR,
      };
      runTail(rest, tailIo).then((code) => {
        process.exitCode = code;
        setTimeout(() => process.exit(code), 2000).unref();
      }, (e: unknown) => fail(e, io));
    } else if (cmd === 'doctor') {
      process.stdout.on('error', (e: NodeJS.ErrnoException) => (e.code === 'EPIPE' ? process.exit(0) : fail(e, io)));
      runDoctorCommand(rest, io).then((code) => {
        process.exitCode = code;
        setTimeout(() => process.exit(code), 2000).unref();
      }, (e: unknown) => fail(e, io));
    } else if (cmd === 'lsp') {
      startStdioServer();
    } else {
      throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    fail(e, io);
  }
}

function fail(e: unknown, io: { err: (t: string) => void }): void {
  if (e instanceof UsageError) {
    io.err(`nginx-doctor: ${e.message}\nRun "nginx-doctor --help" for usage.\n`);
    process.exitCode = 2;
  } else {
    io.err(`nginx-doctor: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 2;
  }
}

main(process.argv.slice(2));
