// Which nginx runs, and with what: each master's command line (/proc/PID/cmdline: -c, -p, -g, -e)
// and the compiled-in paths of `nginx -V` (--conf-path, --prefix, --error-log-path) give the main
// config, the prefix and the default error log of every running instance. `--nginx-conf` stays an
// override; without a master, the compiled-in config is the one checked. Pure: no I/O.
import { posix } from 'node:path';
import type { HostFacts, NginxProcess } from './facts';

export interface Instance {
  /** The master's pid; null when no master runs (or none started with --nginx-conf). */
  pid: number | null;
  /** The binary that runs `-t` / `-T` for it (the master's executable when it can be read). */
  binary: string;
  /** The options to give nginx -t / -T so that it reads what the master read ("" when not given). */
  prefixOpt: string;
  confOpt: string;
  globals: string;
  errorLogOpt: string;
  /** Resolved: the main config file and the prefix (relative paths of the config start there). */
  conf: string;
  prefix: string;
  /** The error log nginx uses when the main context sets none (-e, else --error-log-path), resolved. */
  defaultErrorLog: string;
  /** Where conf came from, for the report. */
  confFrom: 'command line' | 'nginx -V' | 'compiled-in default' | '--nginx-conf';
}

export interface MasterOptions {
  argv0: string;
  c: string | null;
  p: string | null;
  g: string | null;
  e: string | null;
}

const OPTION = /^-[cpeg]/;
const ANY_OPTION = /^-[?hvVtTqsepcg]/;

/**
 * "nginx: master process /usr/sbin/nginx -c /srv/p/nginx.conf -g daemon off;" -> the options.
 * nginx rewrites its argv into this title (words joined by spaces), so a -g value runs to the
 * next option word after a ";", and a path runs to the next word that starts with "-".
 */
export function parseMasterCmdline(cmdline: string): MasterOptions | null {
  const m = /^nginx: master process\s+(.*)$/.exec(cmdline.trim());
  if (!m) return null;
  const words = m[1]!.split(' ').filter((w) => w !== '');
  const out: MasterOptions = { argv0: words[0] ?? 'nginx', c: null, p: null, g: null, e: null };
  let i = 1;
  while (i < words.length) {
    const w = words[i]!;
    if (!OPTION.test(w)) {
      i++;
      continue;
    }
    const flag = w[1] as 'c' | 'p' | 'e' | 'g';
    const value: string[] = w.length > 2 ? [w.slice(2)] : [];
    i++;
    while (i < words.length) {
      const next = words[i]!;
      const ended = flag === 'g' ? value.length > 0 && value[value.length - 1]!.endsWith(';') : value.length > 0;
      if (ended && ANY_OPTION.test(next)) break;
      value.push(next);
      i++;
    }
    if (value.length) out[flag] = value.join(' ');
  }
  return out;
}

/** "/usr/share/nginx" from nginx -V, trailing slashes dropped. */
export function compiledPrefix(f: HostFacts): string {
  return (f.configure.get('prefix') ?? '/usr/share/nginx').replace(/\/+$/, '') || '/';
}

function under(prefix: string, p: string): string {
  return p.startsWith('/') ? p : posix.join(prefix, p);
}

/** The instance a master runs (or the compiled-in one when master is null). */
export function instanceOf(f: HostFacts, master: NginxProcess | null, binaryOverride?: string): Instance {
  const o = master ? parseMasterCmdline(master.cmdline) : null;
  const exe = master?.exe && master.exe.startsWith('/') && !master.exe.endsWith(' (deleted)') ? master.exe : null;
  const binary = binaryOverride ?? exe ?? (o && o.argv0.startsWith('/') ? o.argv0 : f.nginxPath);
  const prefix = o?.p ? o.p.replace(/\/+$/, '') || '/' : compiledPrefix(f);
  const compiledConf = f.configure.get('conf-path');
  const conf = o?.c ? under(prefix, o.c) : under(prefix, compiledConf ?? 'conf/nginx.conf');
  const err = o?.e ?? f.configure.get('error-log-path') ?? 'logs/error.log';
  return {
    pid: master?.pid ?? null, binary,
    prefixOpt: o?.p ?? '', confOpt: o?.c ?? '', globals: o?.g ?? '', errorLogOpt: o?.e ?? '',
    conf, prefix, defaultErrorLog: err === 'stderr' ? err : under(prefix, err),
    confFrom: o?.c ? 'command line' : compiledConf ? 'nginx -V' : 'compiled-in default',
  };
}

export interface InstanceChoice {
  /** --nginx-conf: the main config to check. */
  nginxConf?: string;
  /** --nginx: the binary. */
  nginx?: string;
  /** --pid: only this master. */
  pid?: number;
}

/**
 * The instances to check: one per running master (or the one --pid names), the compiled-in one
 * when none runs. --nginx-conf checks that config, with the options of a master started with it.
 */
export function instancesOf(f: HostFacts, choice: InstanceChoice = {}): Instance[] {
  const masters = f.processes.filter((p) => p.role === 'master');
  if (choice.nginxConf) {
    const all = masters.map((m) => instanceOf(f, m, choice.nginx));
    const same = all.find((i) => i.conf === choice.nginxConf);
    if (same) return [{ ...same, confFrom: '--nginx-conf' }];
    const base = instanceOf(f, null, choice.nginx);
    return [{ ...base, confOpt: choice.nginxConf, conf: choice.nginxConf, confFrom: '--nginx-conf' }];
  }
  const picked = choice.pid !== undefined ? masters.filter((m) => m.pid === choice.pid) : masters;
  if (!picked.length) return [instanceOf(f, null, choice.nginx)];
  return picked.map((m) => instanceOf(f, m, choice.nginx));
}

/** The error_log targets a -g value sets ("error_log /x info; daemon off;" -> ["/x"]). */
export function globalErrorLogs(globals: string): string[] {
  return [...globals.matchAll(/(?:^|;)\s*error_log\s+("[^"]*"|'[^']*'|[^\s;]+)/g)].map((m) => m[1]!.replace(/^["']|["']$/g, ''));
}

/** "pid 100: -c /srv/p/nginx.conf -p /srv/p" for the report. */
export function describeInstance(i: Instance): string {
  const opts = [i.confOpt && `-c ${i.confOpt}`, i.prefixOpt && `-p ${i.prefixOpt}`, i.globals && `-g "${i.globals}"`, i.errorLogOpt && `-e ${i.errorLogOpt}`].filter(Boolean).join(' ');
  return `${i.pid !== null ? `pid ${i.pid}` : 'not running'}: ${i.conf}${opts ? ` (${opts})` : ` (${i.confFrom})`}`;
}
