// `nginx-doctor settings --config ROOT [--format text|json] [--nginx-version X.Y.Z] [URL | --location FILE:LINE]`:
// the effective timeouts, retries, buffers, keepalive, HTTP version, headers and TLS settings of
// every block that passes requests to a backend (or of the location a URL or FILE:LINE selects),
// each with the directive that sets it (file:line, level) or nginx's default for the version.
// JSON: {"root","nginxVersion","url"?,"server"?,"locations":[{location,block,pass,module,upstream,settings:[...]}]}.
// Exit 0; 1 when the URL or --location selects no block that passes requests; 2 on usage or I/O errors.
import { hostname } from 'node:os';
import { dirname, relative, resolve } from 'node:path';
import {
  Matcher, Model, blockSettings, lineOf, locationOf, locationParts, parseUrl, parseVersion, proxiedBlocks, settingsJson, SETTING_GROUPS,
  type BlockSettings, type ConfigNode, type ConfigSet, type SettingRow, type Version,
} from '../core/index';
import { parseCommandArgs, one, UsageError } from './args';
import { loadConfigOrReport } from '../host/load-config';
import { safeText } from './sanitize';
import { serverJson } from './match';
import type { Io } from './check';

export function runSettings(argv: string[], io: Io): number {
  const args = parseCommandArgs(argv, 'settings');
  const format = one(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const root = one(args, 'config');
  if (!root) throw new UsageError('settings needs --config ROOT (the nginx.conf to read)');
  if (args.positionals.length > 1) throw new UsageError('settings takes at most one URL');
  const url = args.positionals[0];
  const at = one(args, 'location');
  if (url !== undefined && at !== undefined) throw new UsageError('give a URL or --location FILE:LINE, not both');
  const parsedUrl = url !== undefined ? parseUrl(url) : null;
  if (url !== undefined && !parsedUrl) throw new UsageError(`not an http(s) URL: "${url}"`);
  const place = at !== undefined ? /^(.+):(\d+)$/.exec(at) : null;
  if (at !== undefined && (!place || Number(place[2]) < 1)) throw new UsageError(`--location must be FILE:LINE, e.g. conf.d/api.conf:12 (got "${at}")`);
  const rawVersion = one(args, 'nginx-version');
  const version = rawVersion !== undefined ? parseVersion(rawVersion) : null;
  if (rawVersion !== undefined && !version) throw new UsageError(`--nginx-version must look like 1.24.0, not "${rawVersion}"`);
  const addr = one(args, 'addr') ?? '127.0.0.1';

  const set = loadConfigOrReport(root, one(args, 'conf-dir'), io.err);
  if (!set) return 2;
  const model = new Model(set);
  const all = proxiedBlocks(model);
  let picked = all;
  let server: ReturnType<typeof serverJson> = null;
  let why = '';
  if (parsedUrl) {
    const r = new Matcher(set, { hostname: hostname() }).match({ addr, port: parsedUrl.port, host: parsedUrl.host, target: parsedUrl.target, scheme: parsedUrl.scheme });
    server = serverJson(r.server);
    const loc = r.location?.node ?? null;
    picked = loc ? all.filter((b) => locationOf(b.block) === loc) : [];
    why = !r.server ? `${url}: no server block accepts it` : !loc ? `${url}: no location matches (server ${r.server.loggedName || '""'})` : picked.length ? '' : `${url}: ${describe(set, loc)} passes no request to a backend (no proxy_pass, fastcgi_pass, grpc_pass, uwsgi_pass, scgi_pass or memcached_pass)`;
  } else if (place) {
    const file = resolve(place[1]!);
    const loc = locationAtLine(set, file, Number(place[2]));
    picked = loc ? all.filter((b) => locationOf(b.block) === loc) : [];
    why = ![...set.files.keys()].some((f) => resolve(f) === file) ? `${place[1]}: not a file of this config` : !loc ? `${at}: no location block there` : picked.length ? '' : `${describe(set, loc)} passes no request to a backend`;
  }
  const blocks = picked.map((b) => blockSettings(model, b.pass, { version }));
  if (format === 'json') {
    io.out(`${JSON.stringify({
      root: set.rootPath, nginxVersion: rawVersion ?? null,
      ...(url !== undefined ? { url, server } : {}),
      locations: blocks.map(settingsJson),
      ...(why ? { error: why } : {}),
    }, null, 2)}\n`);
  } else {
    io.out(safeText(renderSettings(set, blocks, version, why)));
  }
  return why ? 1 : 0;
}

/** The innermost location of `file` whose block holds line `line` (its own line included). */
export function locationAtLine(set: ConfigSet, file: string, line: number): ConfigNode | null {
  let best: ConfigNode | null = null;
  for (const n of set.all) {
    if (n.body !== 'location' || resolve(n.file.source.path) !== file) continue;
    const first = lineOf(n);
    const last = n.file.source.lines.positionAt(n.d.end).line + 1;
    if (line < first || line > last) continue;
    if (!best || n.d.start >= best.d.start) best = n;
  }
  return best;
}

function describe(set: ConfigSet, loc: ConfigNode): string {
  const p = locationParts(loc);
  return `location ${p.modifier ? `${p.modifier} ` : ''}${p.pattern} (${shortPath(set, loc.file.source.path)}:${lineOf(loc)})`;
}

function shortPath(set: ConfigSet, path: string): string {
  const r = relative(dirname(set.rootPath), path);
  return r && !r.startsWith('..') ? r : path;
}

const GROUP_TITLE: Record<string, string> = {
  timeouts: 'timeouts', retries: 'retries', buffers: 'buffers', keepalive: 'keepalive to the backend',
  protocol: 'protocol', headers: 'request headers / params', ssl: 'TLS to the backend',
};

export function renderSettings(set: ConfigSet, blocks: BlockSettings[], version: Version | null, why: string): string {
  const name = (p: string): string => shortPath(set, p);
  let out = `nginx-doctor: effective settings of ${blocks.length} block(s) that pass requests to a backend, ${version ? `nginx ${version.join('.')}` : 'nginx version unknown (--nginx-version): defaults of an nginx before 1.29.7, those that changed say so'}\n`;
  if (why) out += `\n${why}\n`;
  for (const b of blocks) {
    const head = b.location ? describe(set, b.location) : `${b.block.d.name} (${name(b.block.file.source.path)}:${lineOf(b.block)})`;
    out += `\n${head}${b.block !== b.location ? ` > ${b.block.d.name} ${b.block.d.args.map((a) => a.value).join(' ')} (line ${lineOf(b.block)})` : ''}\n`;
    out += `  ${b.pass.d.name} ${b.pass.d.args[0]?.value ?? ''}  (${name(b.pass.file.source.path)}:${lineOf(b.pass)})${b.upstream ? ` -> upstream ${b.upstream.d.args[0]?.value ?? ''} (${name(b.upstream.file.source.path)}:${lineOf(b.upstream)})` : ''}\n`;
    const width = Math.max(...b.rows.map((r) => r.name.length), 10) + 2;
    const vwidth = Math.min(Math.max(...b.rows.map((r) => r.value.length), 8) + 2, 44);
    for (const g of SETTING_GROUPS) {
      const rows = b.rows.filter((r) => r.group === g);
      if (!rows.length) continue;
      out += `  ${GROUP_TITLE[g]}\n`;
      for (const r of rows) out += `    ${r.name.padEnd(width)}${r.value.padEnd(vwidth)}${source(r, name)}\n`;
    }
  }
  return out;
}

function source(r: SettingRow, name: (p: string) => string): string {
  if (r.node) return `${name(r.node.file.source.path)}:${lineOf(r.node)} (${r.level})`;
  return `default${r.note ? `: ${r.note}` : ''}`;
}
