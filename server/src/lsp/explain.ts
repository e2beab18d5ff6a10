// The editor's side of `nginx-doctor explain` and `nginx-doctor match`: the custom requests
// nginxDoctor/explainLines and nginxDoctor/matchUrl answer over the analysis of a root config of
// the workspace (open buffers included), with the same linking as the CLI, plus the effective
// proxy settings at the location and the servers of its upstream.
import { hostname } from 'node:os';
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { CancellationToken, LSPErrorCodes, ResponseError } from 'vscode-languageserver/node';
import {
  CONFIDENCE_MEANING, Explainer, LogReader, Matcher, RequestHistory, markStale, namesToResolve, staleAddress, withRegexPool, defaultText, effectiveUpstreamSettings, fixAllowed, isUpstreamFailure, lineOf, parseUrl, parseVersion, logFormatsFromConfig, passNodesIn,
  type ConfigNode, type ConfigSet, type Diagnostic, type Explanation, type LocationInfo, type ServerInfo,
} from '../core/index';
import type {
  ConfigPlace, ExplainedLine, ExplainedSetting, ExplainLinesParams, ExplainLinesResult, ExplainQuickFix, MatchUrlParams, MatchUrlResult,
} from '../protocol/protocol';
import type { Workspace } from './workspace';
import { pathToUri, toRange, uriToPath } from './convert';
import { isMachineConfig } from '../host/machine-config';
import { resolveNames } from '../remote/resolve-names';

/** Lines explained per request at most (a pasted log stays responsive). */
export const MAX_LINES = 5000;

interface Linking {
  /** Diagnostics of the analysis, for the quick fixes offered next to an explanation. */
  diagnostics: readonly Diagnostic[];
  set: ConfigSet;
  matcher: Matcher;
  explainer: Explainer;
}

const byAnalysis = new WeakMap<object, Linking>();

/** The root config asked for, or the workspace's first one; analysed (cached per analysis). */
function linking(ws: Workspace, rootUri: string | undefined): { root: string; l: Linking } | { error: string } {
  let root: string | undefined;
  if (rootUri) {
    root = rootUri.includes('://') ? uriToPath(rootUri) : rootUri;
    if (!isAbsolute(root)) root = resolvePath(ws.folders[0] ?? '/', root);
  } else root = ws.rootConfigs()[0];
  if (!root) return { error: 'no root config found in the workspace (set "nginxDoctor.rootConfig")' };
  if (ws.host.readFile(root) === undefined) return { error: `cannot read the root config ${root}` };
  const unit = ws.unitsFor(root).find((u) => u.kind === 'root' && u.path === root) ?? ws.unitsFor(root)[0];
  if (!unit) return { error: `cannot analyse ${root}` };
  // an edit may wait for its debounce: the answer must be about the text as it is now
  ws.settle(unit);
  const a = unit.analysis;
  if (!a) return { error: `cannot analyse ${root}` };
  let l = byAnalysis.get(a);
  if (!l) {
    const matcher = new Matcher(a.set, { hostname: hostname() });
    l = { diagnostics: a.diagnostics, set: a.set, matcher, explainer: new Explainer(matcher) };
    byAnalysis.set(a, l);
  }
  return { root: unit.path, l };
}

function place(n: ConfigNode): ConfigPlace {
  return { file: n.file.source.path, line: lineOf(n) };
}

function serverPlace(s: ServerInfo | null): (ConfigPlace & { name: string }) | null {
  return s ? { ...place(s.node), name: s.loggedName } : null;
}

function locationPlace(l: LocationInfo | null): (ConfigPlace & { modifier: string; pattern: string }) | null {
  return l ? { ...place(l.node), modifier: l.modifier, pattern: l.name } : null;
}

function explained(x: Explanation, index: number, l: Linking, failure: boolean, version: string | null): ExplainedLine {
  const m = l.matcher.model;
  const block = x.location ? x.location.node : x.server ? x.server.node : null;
  const targets = x.location ? passNodesIn(x.location.node) : [];
  const mod = targets[0]?.target.module ?? 'proxy';
  const settings: ExplainedSetting[] = [];
  if (block) {
    for (const s of effectiveUpstreamSettings(m, block, mod, { version: version ? parseVersion(version) : null })) {
      if (s.nodes.length) {
        for (const n of s.nodes.slice(0, 12)) settings.push({ name: s.name, value: n.d.args.map((a) => a.value).join(' '), ...place(n) });
      } else if (s.default !== null) settings.push({ name: s.name, value: defaultText(s.default), file: '', line: 0, isDefault: true });
    }
  }
  const servers: ExplainedLine['upstreamServers']['servers'] = [];
  let group: string | null = null;
  const t = targets[0];
  const host = t && !t.target.hasVariables ? t.target.address : '';
  if (t && host) {
    const ups = m.upstreams.get(host.toLowerCase());
    if (ups?.length) {
      group = host;
      for (const u of ups) {
        for (const c of u.children) {
          if (c.d.name !== 'server' || !c.d.args[0]) continue;
          servers.push({ address: c.d.args[0].value, text: c.d.args.map((a) => a.value).join(' '), ...place(c) });
        }
      }
    } else servers.push({ address: host, text: host, ...place(t.node) });
  }
  return {
    index,
    logLine: x.entry.raw,
    failure,
    cause: { id: x.cause.id, title: x.cause.title },
    status: x.status,
    message: x.message,
    summary: x.summary,
    time: x.time,
    level: x.level,
    request: x.request ? { method: x.request.method, uri: x.request.target } : null,
    upstream: x.upstream,
    host: x.host,
    serverName: x.serverName,
    serverBlock: serverPlace(x.server),
    location: locationPlace(x.location),
    confidence: x.confidence,
    confidenceMeaning: CONFIDENCE_MEANING[x.confidence],
    why: x.why,
    via: x.via,
    candidates: x.candidates.slice(0, 12).map((c) => ({ serverBlock: serverPlace(c.server)!, location: locationPlace(c.location), why: c.why })),
    reasons: x.reasons,
    settings,
    upstreamServers: {
      group,
      pass: t ? { ...place(t.node), text: `${t.node.d.name} ${t.node.d.args.map((a) => a.value).join(' ')}` } : null,
      servers: servers.slice(0, 64),
    },
    fixes: x.fixes,
    quickFixes: x.location ? quickFixesIn(x.location.node, l) : [],
  };
}

/** Preferred quick fixes of the diagnostics inside a location block (its directives and nested blocks). */
function quickFixesIn(loc: ConfigNode, l: Linking): ExplainQuickFix[] {
  const file = loc.file.source.path;
  const out: ExplainQuickFix[] = [];
  for (const d of l.diagnostics) {
    if (d.file !== file || d.start < loc.d.start || d.start > loc.d.end) continue;
    const fix = d.fixes?.find((f) => f.isPreferred && fixAllowed(l.set, f));
    if (!fix) continue;
    out.push({
      title: fix.title,
      rule: d.code,
      message: d.message,
      edits: fix.edits.map((e) => ({ uri: pathToUri(e.file), range: toRange(l.set.files.get(e.file), e.start, e.end), newText: e.newText })),
    });
  }
  return out;
}

/** Budgeted-matcher steps for all the regexes of one explain request (about 0.5-1 s at worst). */
export const REQUEST_REGEX_BUDGET = 5_000_000;
/** Lines explained between two yields to the event loop (other requests, cancellation). */
const CHUNK_MS = 20;

export async function explainLines(ws: Workspace, p: ExplainLinesParams, token: CancellationToken = CancellationToken.None): Promise<ExplainLinesResult> {
  const r = linking(ws, p.rootUri);
  if ('error' in r) return { root: null, explanations: [], error: r.error };
  const { l } = r;
  const reader = new LogReader({ formats: logFormatsFromConfig(l.set) });
  const lines = (Array.isArray(p.lines) ? p.lines : []).slice(0, MAX_LINES);
  const found: { x: Explanation; i: number; failure: boolean }[] = [];
  const pool = { steps: REQUEST_REGEX_BUDGET };
  // the lines of one request told apart by their order (error_page chains), as in the CLI
  const history = new RequestHistory();
  let i = 0;
  while (i < lines.length) {
    const until = Date.now() + CHUNK_MS;
    withRegexPool(pool, () => {
      for (; i < lines.length && Date.now() < until; i++) {
        // each element is one log entry (multi-line FastCGI entries arrive joined by "\n")
        const text = lines[i];
        const entries = [...String(text).replace(/\r?\n$/, '').split(/\r?\n/).flatMap((t) => reader.push(t)), ...reader.end()];
        for (const entry of entries) {
          const failure = isUpstreamFailure(entry);
          if (p.failuresOnly && !failure) continue;
          found.push({ x: l.explainer.explain(entry, history), i, failure });
        }
      }
    });
    if (i < lines.length) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
    }
  }
  // nginx runs here (a trusted workspace whose root is this machine's config): a line whose peer is
  // no longer what its backend name resolves to is upstream-stale-address
  if (ws.trusted && isMachineConfig(r.root, true)) {
    const model = l.matcher.model;
    const names = namesToResolve(found.filter((f) => f.failure).map((f) => f.x), model);
    if (names.length) {
      const answers = await resolveNames(names);
      for (const f of found) {
        const s = f.failure ? staleAddress(f.x, model, (n) => answers.get(n) ?? null) : null;
        if (s) markStale(f.x, s);
      }
    }
  }
  return { root: r.root, explanations: found.map((f) => explained(f.x, f.i, l, f.failure, ws.nginxVersion)) };
}

export function matchUrl(ws: Workspace, p: MatchUrlParams): MatchUrlResult {
  const base = { url: p.url, server: null, location: null, reason: [] as string[] };
  const u = parseUrl(String(p.url ?? '').trim());
  if (!u) return { ...base, root: null, error: `not an http(s) URL: "${p.url}"` };
  const r = linking(ws, p.rootUri);
  if ('error' in r) return { ...base, root: null, error: r.error };
  const res = r.l.matcher.match({ addr: p.addr ?? '127.0.0.1', port: u.port, host: u.host, target: u.target, scheme: u.scheme });
  return {
    url: p.url,
    root: r.root,
    server: serverPlace(res.server),
    location: locationPlace(res.location),
    reason: res.reason,
    status: res.status,
  };
}
