// `nginx-doctor match --config ROOT [--addr IP] [--format text|json] URL...`: which server block
// and location nginx would pick for each URL (its host is the Host header, its port picks the
// `listen`, --addr is the local address the connection arrives on). JSON: one object per line,
//   {"url","server":{"file","line","name"}|null,"location":{"file","line","modifier","pattern"}|null,"reason":[...]}
// Exit 0; 2 on usage or I/O errors.
import { hostname } from 'node:os';
import { safeText } from './sanitize';
import { Matcher, lineOf, parseUrl, type LocationInfo, type MatchResult, type ServerInfo } from '../core/index';
import { parseCommandArgs, one, UsageError } from './args';
import { loadConfigOrReport } from '../host/load-config';
import type { Io } from './check';

export function serverJson(s: ServerInfo | null): { file: string; line: number; name: string } | null {
  return s ? { file: s.node.file.source.path, line: lineOf(s.node), name: s.loggedName } : null;
}

export function locationJson(l: LocationInfo | null): { file: string; line: number; modifier: string; pattern: string } | null {
  return l ? { file: l.node.file.source.path, line: lineOf(l.node), modifier: l.modifier, pattern: l.name } : null;
}

export function runMatch(argv: string[], io: Io): number {
  const args = parseCommandArgs(argv, 'match');
  const format = one(args, 'format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json, not "${format}"`);
  const root = one(args, 'config');
  if (!root) throw new UsageError('match needs --config ROOT (the nginx.conf to match against)');
  if (args.positionals.length === 0) throw new UsageError('match needs at least one URL, e.g. http://example.com/api/x');
  const addr = one(args, 'addr') ?? '127.0.0.1';
  if (!/^(\d{1,3}(\.\d{1,3}){3}|\[?[0-9A-Fa-f:.]+\]?|unix:.+)$/.test(addr)) throw new UsageError(`--addr must be an IP address, not "${addr}"`);
  const urls = args.positionals.map((u) => {
    const p = parseUrl(u);
    if (!p) throw new UsageError(`not an http(s) URL: "${u}"`);
    return { url: u, p };
  });
  const set = loadConfigOrReport(root, one(args, 'conf-dir'), io.err);
  if (!set) return 2;
  const matcher = new Matcher(set, { hostname: hostname() });
  let out = '';
  for (const { url, p } of urls) {
    const r = matcher.match({ addr, port: p.port, host: p.host, target: p.target, scheme: p.scheme });
    if (format === 'json') {
      out += `${JSON.stringify({ url, server: serverJson(r.server), location: locationJson(r.location), reason: r.reason })}\n`;
    } else out += `${safeText(textLine(url, r))}\n`;
  }
  io.out(out);
  return 0;
}

function textLine(url: string, r: MatchResult): string {
  if (!r.server) return `${url}  ->  no server (${r.reason[r.reason.length - 1] ?? ''})`;
  const s = `server ${r.server.loggedName === '' ? '""' : r.server.loggedName} (${r.server.node.file.source.path}:${lineOf(r.server.node)})`;
  const l = r.location
    ? `location ${r.location.modifier ? `${r.location.modifier} ` : ''}${r.location.name} (${r.location.node.file.source.path}:${lineOf(r.location.node)})`
    : 'no location (server level)';
  const notes: string[] = [];
  if (r.status !== null) notes.push(`answers ${r.status}`);
  if (!r.certain) notes.push('uncertain: see --format json reasons');
  if (r.candidates.length) notes.push(`or ${r.candidates.map((c) => `${c.modifier ? `${c.modifier} ` : ''}${c.name}`).join(', ')}`);
  return `${url}  ->  ${s}, ${l}${notes.length ? `  [${notes.join('; ')}]` : ''}`;
}
