// Shared by `check` and `fix`: reads the common flags and decides, for each FILE, how to analyse
// it (a root config, or a snippet in an inferred context, with includes relative to the conf dir).
import { isMachineConfig } from '../host/machine-config';
import { resolve as resolvePath, basename, dirname } from 'node:path';
import { defaultCatalog, isRootConfig, ParseCache, snippetContext, type AnalyzeOptions, type SeveritySetting } from '../core/index';
import { DiskHost } from '../host/disk-host';
import { one, UsageError, type ParsedArgs } from './args';
import type { Io } from './check';

const SNIPPET_DIRS = new Set(['conf.d', 'sites-enabled', 'sites-available', 'snippets', 'includes']);
const SEVERITIES = new Set(['off', 'error', 'warning', 'info', 'hint']);

export interface Input {
  /** The path as given on the command line. */
  path: string;
  options: AnalyzeOptions;
}

export interface Inputs {
  items: Input[];
  ioFailed: boolean;
}

export function analysisInputs(args: ParsedArgs, io: Io, host: DiskHost = new DiskHost()): Inputs {
  const version = one(args, 'nginx-version');
  if (version !== undefined && !/^\d+\.\d+(\.\d+)?$/.test(version)) throw new UsageError(`--nginx-version must look like 1.24.0, not "${version}"`);
  if (args.positionals.length === 0) throw new UsageError('at least one config file is needed');
  const severities: Record<string, SeveritySetting> = {};
  for (const r of args.options.get('rule') ?? []) {
    const m = /^([a-z0-9-]+)=(\w+)$/.exec(r);
    if (!m || !SEVERITIES.has(m[2]!)) throw new UsageError(`--rule takes RULE-ID=off|error|warning|info|hint, not "${r}"`);
    severities[m[1]!] = m[2] as SeveritySetting;
  }
  const stableHostnames = args.options.get('stable-host') ?? [];
  const catalog = defaultCatalog();
  const cache = new ParseCache();
  const items: Input[] = [];
  let ioFailed = false;
  for (const given of args.positionals) {
    const text = host.readFile(given);
    if (text === undefined) {
      io.err(`nginx-doctor: cannot read "${given}": ${host.isDirectory(given) ? 'it is a directory' : 'no such file or not readable'}\n`);
      ioFailed = true;
      continue;
    }
    const parsed = cache.get(given, text);
    const root = isRootConfig(parsed);
    const confDir = one(args, 'conf-dir') ?? (root || !SNIPPET_DIRS.has(basename(dirname(resolvePath(given)))) ? dirname(given) : dirname(dirname(given)));
    const snippet = root ? undefined : snippetContext(parsed, catalog);
    if (snippet && snippet.reason !== 'comment') {
      io.err(`nginx-doctor: note: ${given} has no events/http block; checked as if included in "${snippet.context}" (add "# nginx-doctor: context <name>" to choose)\n`);
    }
    items.push({
      path: given,
      options: {
        host,
        catalog,
        cache,
        nginxVersion: version ?? null,
        confDir,
        severities,
        ruleOptions: { checkLocalSockets: isMachineConfig(given, true), stableHostnames },
        ...(snippet ? { startContext: snippet.context } : {}),
      },
    });
  }
  return { items, ioFailed };
}
