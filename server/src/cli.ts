// The nginx-doctor command line: the same core as the language server, for CI and other editors.
import { runCheck } from './cli/check';
import { runFix } from './cli/fix';
import { runMatch } from './cli/match';
import { runSettings } from './cli/settings';
import { runExplain } from './cli/explain';
import { runTail } from './cli/tail';
import { runDoctorCommand } from './cli/doctor';
import { UsageError } from './cli/args';
import { commandHelp, helpRequested, overviewHelp } from './cli/help';
import { commandSpec } from './cli/spec';
import { completionScript } from './cli/completion';
import { VERSION } from './version';
import { startStdioServer } from './lsp/start';


function main(argv: string[]): void {
  const [cmd, ...rest] = argv;
  const io = { out: (t: string) => process.stdout.write(t), err: (t: string) => process.stderr.write(t) };
  try {
    const spec = cmd === undefined ? undefined : commandSpec(cmd);
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      // "nginx-doctor help tail" is "nginx-doctor tail --help"
      const about = cmd === 'help' && rest[0] !== undefined ? commandSpec(rest[0]) : undefined;
      if (cmd === 'help' && rest[0] !== undefined && !about) throw new UsageError(`unknown command "${rest[0]}"`);
      io.out(about ? commandHelp(about) : overviewHelp());
      process.exitCode = cmd === undefined ? 2 : 0;
    } else if (spec && helpRequested(rest, spec)) {
      io.out(commandHelp(spec));
    } else if (cmd === 'completion') {
      if (rest.length > 1) throw new UsageError('completion takes one shell: bash, zsh or fish');
      io.out(completionScript(rest[0] ?? ''));
    } else if (cmd === '--version' || cmd === '-v') {
      io.out(`${VERSION}\n`);
    } else if (cmd === 'check') {
      process.exitCode = runCheck(rest, io);
    } else if (cmd === 'fix') {
      process.exitCode = runFix(rest, io);
    } else if (cmd === 'match') {
      process.exitCode = runMatch(rest, io);
    } else if (cmd === 'settings') {
      process.exitCode = runSettings(rest, io);
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
    } else if (cmd === 'tail' || cmd === 'exporter') {
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
      runTail(rest, tailIo, cmd).then((code) => {
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
