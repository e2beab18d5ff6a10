// `nginx-doctor tail [--config ROOT] [--ssh DEST] [--sudo] [--format text|json] SOURCE... [--command ARGV...]`:
// follows error logs live (local files, files on SSH hosts, or a command's output), several at
// once, and prints every line; upstream failures (502/504 ...) get their cause and the server
// block and location (file:line) that handled the request. Runs until SIGINT/SIGTERM (exit 0);
// exit 1 when every source has failed, 2 on usage errors. Log text is neutralised before it
// reaches the terminal. JSON: one TailEvent per line (server/src/protocol/protocol.ts).
import { readFileSync, statSync } from 'node:fs';
import type { LogSourceSetting, TailEvent, TailLineEvent } from '../protocol/protocol';
import { parseCommandArgs, one, UsageError, type ParsedArgs } from './args';
import { TailEngine } from '../tail/engine';
import { sourceFromSetting, type SourceSpec } from '../tail/sources';
import { SourceError, checkDestination } from '../remote/check-input';
import { neutralise, safeJson } from '../tail/terminal';
import { startMetrics } from './metrics';

/** `nginx-doctor exporter`: a tail that prints no lines and serves metrics (by default on this address). */
export const EXPORTER_ADDRESS = '127.0.0.1:9925';

export interface TailIo {
  out(text: string): boolean;
  err(text: string): void;
  drain(): Promise<void>;
  /** Calls back once on SIGINT or SIGTERM. */
  onStop(cb: () => void): void;
  /** Colours for a terminal. */
  color?: boolean;
}

export function parseTailSources(argv: string[], commandName: 'tail' | 'exporter' = 'tail'): { specs: SourceSpec[]; args: ParsedArgs } {
  const ci = argv.indexOf('--command');
  const command = ci >= 0 ? argv.slice(ci + 1) : null;
  const args = parseCommandArgs(ci >= 0 ? argv.slice(0, ci) : argv, commandName);
  if (command !== null && command.length === 0) throw new UsageError('--command needs the program and its arguments after it, e.g. --command docker logs -f --tail 0 web');
  const specs: SourceSpec[] = [];
  const sudo = args.flags.has('sudo');
  const dests = [...new Set(args.options.get('ssh') ?? [])];
  // several hosts: each host's lines are linked to that host's deployed config (nginx -T)
  const remoteConfig = args.flags.has('remote-config') || dests.length > 1;
  try {
    for (const d of dests) checkDestination(d);
    // --ssh without a path: the log Debian's and nginx.org's packages write
    const remotePaths = dests.length && !args.positionals.length ? [DEFAULT_ERROR_LOG] : args.positionals;
    for (const dest of dests) {
      for (const p of remotePaths) specs.push(sourceFromSetting({ name: `${dest}:${p}`, host: dest, path: p, sudo, ...(remoteConfig ? { config: 'remote' } : {}) }, specs.length));
    }
    for (const p of dests.length ? [] : args.positionals) {
      const url = /^ssh:\/\/([^/]+)(\/.*)$/.exec(p);
      if (url) {
        // with a port the destination stays a URL (ssh://[user@]host:port): ssh reads "host:22" as a host name
        const host = /:\d+$/.test(url[1]!) ? `ssh://${url[1]}` : url[1]!;
        specs.push(sourceFromSetting({ name: `${url[1]}:${url[2]}`, host, path: url[2]!, sudo, ...(remoteConfig ? { config: 'remote' } : {}) }, specs.length));
      } else {
        if (p.startsWith('ssh:')) throw new UsageError(`"${p}" is not an ssh://[user@]host[:port]/absolute/path URL`);
        specs.push(sourceFromSetting({ name: p, path: p }, specs.length));
      }
    }
    if (command) specs.push(sourceFromSetting({ name: command[0]!, command }, specs.length));
    for (const value of args.options.get('sources') ?? []) {
      for (const s of readSourcesOption(value)) specs.push(sourceFromSetting(s, specs.length));
    }
  } catch (e) {
    if (e instanceof SourceError) throw new UsageError(e.message);
    throw e;
  }
  if (!specs.length) throw new UsageError('tail needs at least one log: a file, --ssh DEST with remote paths, ssh://host/path, or --command ...');
  if (sudo && !specs.some((s) => s.kind === 'ssh')) throw new UsageError('--sudo is only for SSH sources (--ssh DEST or ssh://host/path)');
  if (remoteConfig && !specs.some((s) => s.kind === 'ssh')) throw new UsageError('--remote-config needs an SSH source');
  // names tag every line: make them unique
  const seen = new Map<string, number>();
  for (const s of specs) {
    const n = (seen.get(s.name) ?? 0) + 1;
    seen.set(s.name, n);
    if (n > 1) s.name = `${s.name}#${n}`;
  }
  return { specs, args };
}

export const DEFAULT_ERROR_LOG = '/var/log/nginx/error.log';

/** --sources: the JSON array itself (what the editor passes), or a file holding it (`[` starts the JSON). */
export function readSourcesOption(value: string): LogSourceSetting[] {
  let text = value;
  if (!value.trimStart().startsWith('[')) {
    try {
      text = readFileSync(value, 'utf8');
    } catch {
      throw new UsageError(`--sources: cannot read "${value}" (give a file holding a JSON array, or the array itself)`);
    }
  }
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw new UsageError('--sources must be a JSON array of {name, host, path, command, sudo, config} objects');
  }
  if (!Array.isArray(list)) throw new UsageError('--sources must be a JSON array');
  return list as LogSourceSetting[];
}

export async function runTail(argv: string[], io: TailIo, commandName: 'tail' | 'exporter' = 'tail'): Promise<number> {
  const exporter = commandName === 'exporter';
  const { specs, args } = parseTailSources(argv, commandName);
  const format = one(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const backlogText = one(args, 'backlog');
  const backlog = backlogText === undefined ? 0 : Number(backlogText);
  if (!Number.isSafeInteger(backlog) || backlog < 0) throw new UsageError('--backlog must be a number of bytes');
  const rotationQuietMs = duration(args, 'rotation-quiet');
  const rotationMaxMs = duration(args, 'rotation-max');
  const root = one(args, 'config');
  if (root !== undefined) {
    try {
      if (!statSync(root).isFile()) throw new Error();
    } catch {
      io.err(`nginx-doctor: cannot read "${root}": no such file or not a file\n`);
      return 2;
    }
  }
  const metrics = await startMetrics(args, specs, io.err, exporter ? EXPORTER_ADDRESS : undefined);
  const onlyFailures = args.flags.has('failures');
  const tagged = specs.length > 1;
  const c = io.color ? COLORS : NO_COLORS;
  const sshConfig = one(args, 'ssh-config');
  const remoteNginxConf = one(args, 'remote-nginx-conf');
  const remoteConfigDir = one(args, 'remote-config-dir');
  let finished = false;
  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  const failed = new Set<string>();
  const write = (text: string): boolean => {
    try {
      return io.out(text);
    } catch {
      return true;
    }
  };
  const engine = new TailEngine({
    ...(root ? { configRoot: root } : {}),
    ...(one(args, 'conf-dir') ? { confDir: one(args, 'conf-dir')! } : {}),
    start: args.flags.has('from-start') ? 'start' : 'end',
    backlog,
    ...(rotationQuietMs !== undefined ? { rotationQuietMs } : {}),
    ...(rotationMaxMs !== undefined ? { rotationMaxMs } : {}),
    ...(sshConfig ? { sshConfigFile: sshConfig } : {}),
    ...(remoteNginxConf ? { remoteNginxConf } : {}),
    ...(remoteConfigDir ? { remoteConfigDir } : {}),
    ...(process.env.NGINX_DOCTOR_TAIL_BACKOFF_MS ? { minBackoffMs: Number(process.env.NGINX_DOCTOR_TAIL_BACKOFF_MS), maxBackoffMs: Number(process.env.NGINX_DOCTOR_TAIL_BACKOFF_MS) * 8 } : {}),
    drain: () => io.drain(),
    emit: (e: TailEvent) => {
      metrics?.observe(e);
      if (exporter && e.type === 'line') return true;
      if (e.type === 'state') {
        if (e.state === 'failed') failed.add(e.source);
        else failed.delete(e.source);
        if (failed.size === specs.length && !finished) setImmediate(() => void stop(1));
      }
      if (format === 'json') {
        if (onlyFailures && e.type === 'line' && !e.failure) return true;
        return write(`${safeJson(e)}\n`);
      }
      if (e.type === 'line') {
        if (onlyFailures && !e.failure) return true;
        return write(renderLine(e, tagged, c));
      }
      const tag = `[${neutralise(e.source)}] `;
      if (e.type === 'state') {
        if (e.state === 'stopped') return true;
        const color = e.state === 'failed' ? c.red : e.state === 'live' ? c.green : c.yellow;
        let t = `nginx-doctor: ${tag}${color}${e.state}${c.reset}${e.reason ? ` (${e.reason})` : ''}${e.message ? `: ${neutralise(e.message)}` : ''}`;
        if (e.retryInMs !== undefined) t += `; retrying in ${(e.retryInMs / 1000).toFixed(1)} s`;
        if (e.attempts !== undefined && e.downMs !== undefined) t += ` (back after ${e.attempts} attempt${e.attempts === 1 ? '' : 's'}, ${(e.downMs / 1000).toFixed(1)} s)`;
        t += '\n';
        if (e.fix) t += `  fix: ${neutralise(e.fix)}\n`;
        io.err(t);
      } else if (e.kind === 'retry') {
        io.err(`nginx-doctor: ${tag}${c.yellow}still reconnecting${c.reset} (${neutralise(e.message)})${e.retryInMs !== undefined ? `; retrying in ${(e.retryInMs / 1000).toFixed(1)} s` : ''}\n`);
      } else io.err(`nginx-doctor: ${tag}${e.kind === 'gap' ? `${c.red}gap${c.reset}: ` : ''}${neutralise(e.message)}\n`);
      return true;
    },
  });
  const stop = async (code: number): Promise<void> => {
    if (finished) return;
    finished = true;
    await engine.stop();
    await metrics?.close();
    resolveDone(code);
  };
  io.onStop(() => void stop(0));
  // the editor passes a pipe it never writes to: when the editor goes away, the pipe closes and
  // the tail (with its ssh connections) ends instead of lingering
  if (args.flags.has('stop-on-stdin-eof')) {
    process.stdin.on('error', () => void stop(0));
    process.stdin.on('end', () => void stop(0));
    process.stdin.resume();
  }
  await engine.start(specs);
  return done;
}

/** "300ms", "5s", "2m" or a number of seconds, as milliseconds (up to an hour). */
function duration(args: ParsedArgs, name: string): number | undefined {
  const v = one(args, name);
  if (v === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v);
  const ms = m ? Math.round(Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000)) : NaN;
  if (!(ms >= 0 && ms <= 3_600_000)) throw new UsageError(`--${name} must be a duration such as 300ms, 5s or 2m (at most 1 hour), not "${v}"`);
  return ms;
}

interface Palette {
  red: string;
  yellow: string;
  green: string;
  dim: string;
  bold: string;
  reset: string;
}
const COLORS: Palette = { red: '\x1b[31m', yellow: '\x1b[33m', green: '\x1b[32m', dim: '\x1b[2m', bold: '\x1b[1m', reset: '\x1b[0m' };
const NO_COLORS: Palette = { red: '', yellow: '', green: '', dim: '', bold: '', reset: '' };

export function renderLine(e: TailLineEvent, tagged: boolean, c: Palette = NO_COLORS): string {
  const tag = tagged ? `[${neutralise(e.source)}] ` : '';
  const text = e.text.split('\n').map(neutralise).join('\n    ');
  const color = e.failure || e.level === 'error' || e.level === 'crit' || e.level === 'alert' || e.level === 'emerg' ? c.red : e.level === 'warn' ? c.yellow : '';
  let out = `${tag}${color}${text}${color ? c.reset : ''}\n`;
  if (!e.failure) return out;
  const status = e.status === null ? '-' : e.status === 9 ? '009' : String(e.status);
  out += `  ${c.bold}=> ${status} ${e.cause ? `${e.cause.id}: ${neutralise(e.cause.title)}` : 'upstream failure'}${c.reset}\n`;
  if (e.location) out += `     location ${e.location.modifier ? `${e.location.modifier} ` : ''}${neutralise(e.location.pattern)}  ${neutralise(e.location.file)}:${e.location.line}\n`;
  if (e.server) out += `     server ${neutralise(e.server.name) || '""'}  ${neutralise(e.server.file)}:${e.server.line}\n`;
  const d = e.location?.differs ?? e.server?.differs;
  if (d) out += `     ${c.yellow}deployed on ${neutralise(d.host)}: differs from the workspace${d.differsAt > 0 ? ` from line ${d.differsAt}` : ' (no such workspace file)'}${c.reset}\n`;
  if (!e.location && !e.server && e.summary) out += `     ${neutralise(e.summary)}\n`;
  if (e.confidence && e.confidence !== 'exact' && e.why) out += `     ${e.confidence}: ${neutralise(e.why)}\n`;
  for (const f of e.fixes?.slice(0, 2) ?? []) out += `     ${c.dim}- ${neutralise(f)}${c.reset}\n`;
  return out;
}
