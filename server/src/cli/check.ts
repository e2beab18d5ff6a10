// `nginx-doctor check`: analyses root configs (and snippets, in an inferred context) and prints
// diagnostics as text, JSON or SARIF. Exit 0: no error; 1: at least one error; 2: usage or I/O.
import { resolve as resolvePath, basename, dirname } from 'node:path';
import { analyze, defaultCatalog, isRootConfig, ParseCache, snippetContext, type Diagnostic, type SeveritySetting, type ParsedFile } from '../core/index';
import { DiskHost } from '../node/node-host';
import { parseArgs, one, UsageError } from './args';
import { formatDiagnostics, type Format } from './format';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const SNIPPET_DIRS = new Set(['conf.d', 'sites-enabled', 'sites-available', 'snippets', 'includes']);
const SEVERITIES = new Set(['off', 'error', 'warning', 'info', 'hint']);

export function runCheck(argv: string[], io: Io): number {
  const args = parseArgs(argv, ['format', 'nginx-version', 'prefix', 'conf-dir', 'rule'], []);
  const format = (one(args, 'format') ?? 'text') as Format;
  if (!['text', 'json', 'sarif'].includes(format)) throw new UsageError(`--format must be text, json or sarif, not "${format}"`);
  const version = one(args, 'nginx-version');
  if (version !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(version)) throw new UsageError(`--nginx-version must look like 1.24.0, not "${version}"`);
  if (args.positionals.length === 0) throw new UsageError('check needs at least one config file');
  const severities: Record<string, SeveritySetting> = {};
  for (const r of args.options.get('rule') ?? []) {
    const m = /^([a-z0-9-]+)=(\w+)$/.exec(r);
    if (!m || !SEVERITIES.has(m[2]!)) throw new UsageError(`--rule takes RULE-ID=off|error|warning|info|hint, not "${r}"`);
    severities[m[1]!] = m[2] as SeveritySetting;
  }
  const host = new DiskHost();
  const catalog = defaultCatalog();
  const cache = new ParseCache();
  const covered = new Set<string>();
  const all: Diagnostic[] = [];
  const texts = new Map<string, ParsedFile>();
  let ioFailed = false;
  for (const given of args.positionals) {
    const text = host.readFile(given);
    if (text === undefined) {
      io.err(`nginx-doctor: cannot read "${given}": ${host.isDirectory(given) ? 'it is a directory' : 'no such file or not readable'}\n`);
      ioFailed = true;
      continue;
    }
    if (covered.has(resolvePath(given))) continue;
    const parsed = cache.get(given, text);
    const root = isRootConfig(parsed);
    const confDir = one(args, 'conf-dir') ?? (root || !SNIPPET_DIRS.has(basename(dirname(resolvePath(given)))) ? dirname(given) : dirname(dirname(given)));
    const snippet = root ? undefined : snippetContext(parsed, catalog);
    if (snippet && snippet.reason !== 'comment') {
      io.err(`nginx-doctor: note: ${given} has no events/http block; checked as if included in "${snippet.context}" (add "# nginx-doctor: context <name>" to choose)\n`);
    }
    const analysis = analyze(given, {
      host,
      catalog,
      cache,
      nginxVersion: version ?? null,
      confDir,
      severities,
      ...(snippet ? { startContext: snippet.context } : {}),
    });
    for (const [path, file] of analysis.set.files) {
      covered.add(resolvePath(path));
      texts.set(path, file);
    }
    all.push(...analysis.diagnostics);
  }
  const unique = dedupe(all);
  io.out(formatDiagnostics(unique, texts, format));
  if (ioFailed) return 2;
  return unique.some((d) => d.severity === 'error') ? 1 : 0;
}

function dedupe(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const k = `${d.file}\0${d.start}\0${d.end}\0${d.code}\0${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
