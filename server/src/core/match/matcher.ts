// Which server block and location handle a request, and why: the pure-core answer to
// `nginx-doctor match` and the basis of linking log lines to the config. The steps follow nginx's
// request processing: address:port -> default server -> request-target normalisation (with the
// default server's merge_slashes) -> Host -> server name lookup -> server rewrite phase ->
// location search -> location rewrite phase (rewrite ... last re-runs the search) -> content
// (return + error_page, try_files fallbacks). Redirects decided by the config are followed; those
// that depend on files or run-time conditions are listed as candidates.
import { lineOf, type ConfigNode, type ConfigSet } from '../workspace/config-set';
import { Model } from '../model/model';
import { fromBytes, toBytes } from './bytes';
import { parseTarget, validateHost, normalizePath } from './uri';
import { buildLevel, describe, findLocation, type FindState, type Level, type LocationInfo } from './locations';
import { ServerTable, entryText, type AddrEntry, type ServerInfo } from './servers';
import { translatePcre, runPcre, withRegexBudget, LINE_REGEX_BUDGET, type PcreMatch } from './pcre';

export interface MatcherOptions {
  /** Port for server blocks without `listen` (80 as root, 8000 otherwise). Default 80. */
  implicitPort?: number;
  /** The machine's host name, for `server_name $hostname`. */
  hostname?: string;
}

export interface MatchRequest {
  /** Local address the connection arrived on. Default 127.0.0.1. */
  addr?: string;
  port: number;
  /** The Host header as sent (may include ":port"), or null for none (HTTP/1.0). */
  host: string | null;
  /** The request target as sent: "/a/b?x" or "http://host/a". */
  target: string;
  /** "http" or "https" (for $scheme in rewrites). */
  scheme?: string;
}

export interface MatchResult {
  server: ServerInfo | null;
  location: LocationInfo | null;
  /** A status nginx answers with before/instead of a handler, when the config decides it (400, 301, 404, 500 ...). */
  status: number | null;
  /** The URI (decoded, normalised) that was finally matched, as text. */
  uri: string;
  reason: string[];
  /** Locations that may handle the request instead (try_files fallbacks, conditions we cannot evaluate). */
  candidates: LocationInfo[];
  /** False when something could not be evaluated (an untranslatable regex, an `if`, a variable). */
  certain: boolean;
  /** The locations passed through, in order (internal redirects). */
  chain: LocationInfo[];
  /** Set when `certain` is false only because try_files depends on which files exist. */
  byFiles?: boolean;
}

interface Ctx {
  server: ServerInfo;
  uri: string; // bytes
  args: string; // bytes
  unparsed: string; // bytes, $request_uri
  host: string; // bytes
  scheme: string;
  internal: boolean;
  changes: number;
  errorPage: boolean;
  vars: Map<string, string>;
  result: MatchResult;
}

const MAX_URI_CHANGES = 10;
const NONE: readonly ServerInfo[] = [];
const NO_ENTRIES: readonly AddrEntry[] = [];
const REWRITE_DIRECTIVES = new Set(['rewrite', 'return', 'break', 'set', 'if']);

export class Matcher {
  readonly model: Model;
  readonly table: ServerTable;
  private readonly levels = new Map<ServerInfo, Level>();
  /** Config order of every directive, for locations(); built on first use (big configs: 200k entries). */
  private orderOf: Map<ConfigNode, number> | null = null;
  private byLoggedName: Map<string, ServerInfo[]> | null = null;
  private entriesOf: Map<ServerInfo, AddrEntry[]> | null = null;

  constructor(
    readonly set: ConfigSet,
    readonly opts: MatcherOptions = {},
  ) {
    this.model = new Model(set);
    this.table = new ServerTable(
      this.model.servers.filter((s) => s.ctx === 'http'),
      opts,
    );
  }

  /** The location levels of a server (built once). */
  level(server: ServerInfo): Level {
    let l = this.levels.get(server);
    if (!l) {
      l = buildLevel(server.node, null);
      this.levels.set(server, l);
    }
    return l;
  }

  /** Every location of a server block, depth first in config order. */
  locations(server: ServerInfo): LocationInfo[] {
    const out: LocationInfo[] = [];
    const walk = (lv: Level): void => {
      for (const l of [...collectStatic(lv), ...lv.regexes, ...lv.named]) {
        out.push(l);
        walk(l.level);
      }
    };
    walk(this.level(server));
    if (!this.orderOf) {
      const order = new Map<ConfigNode, number>();
      this.set.all.forEach((n, i) => order.set(n, i));
      this.orderOf = order;
    }
    const order = this.orderOf;
    return out.sort((a, b) => (order.get(a.node) ?? 0) - (order.get(b.node) ?? 0));
  }

  /**
   * Match one request from its connection address, Host header and request target. Every regex it
   * evaluates shares one step budget (pcre.ts): a hostile pattern makes the answer uncertain, never slow.
   */
  match(req: MatchRequest): MatchResult {
    return withRegexBudget(LINE_REGEX_BUDGET, () => this.matchRequest(req));
  }

  private matchRequest(req: MatchRequest): MatchResult {
    const result: MatchResult = { server: null, location: null, status: null, uri: '', reason: [], candidates: [], certain: true, chain: [] };
    const addr = req.addr ?? '127.0.0.1';
    const entry = this.table.entryFor(addr, req.port);
    if (!entry) {
      result.reason.push(`no server block listens on ${addr}:${req.port}`);
      const unresolved = this.table.servers.flatMap((s) => s.listens.filter((l) => l.unresolved).map((l) => l.unresolved!));
      if (unresolved.length) {
        result.certain = false;
        result.reason.push(`listen addresses with host names (${[...new Set(unresolved)].join(', ')}) were not resolved`);
      }
      return result;
    }
    const def = entry.defaultServer;
    result.reason.push(`${entryText(entry)}: ${entry.servers.length} server block(s), default ${serverText(def)}${entry.defaultExplicit ? ' (default_server)' : ' (the first one)'}`);
    const merge = this.flag(def.node, 'merge_slashes', true);
    const t = parseTarget(toBytes(req.target), merge);
    if (!t.ok) {
      result.server = def;
      result.status = 400;
      result.reason.push(`${t.reason}; the default server answers`);
      return result;
    }
    let host: string;
    if (req.host !== null && validateHost(toBytes(req.host)) === null) {
      result.server = def;
      result.status = 400;
      result.reason.push(`invalid Host header "${req.host}" (400); the default server answers`);
      return result;
    }
    if (t.host !== null) {
      host = t.host;
      result.reason.push(`host "${fromBytes(host)}" from the absolute request target (it wins over Host)`);
    } else if (req.host === null) {
      host = '';
      result.reason.push('no Host header: the empty name is looked up');
    } else {
      const h = validateHost(toBytes(req.host));
      if (h === null) {
        result.server = def;
        result.status = 400;
        result.reason.push(`invalid Host header "${req.host}" (400); the default server answers`);
        return result;
      }
      host = h;
    }
    const chosen = entry.servers.length > 1 ? this.table.lookup(entry, host) : { server: def, how: `the only server block on ${entryText(entry)} takes every host` };
    result.server = chosen.server;
    result.reason.push(chosen.how);
    for (const note of entry.notes) result.reason.push(note);
    result.uri = fromBytes(t.uri);
    if (!merge) result.reason.push('merge_slashes off in the default server: repeated slashes are kept');
    const ctx: Ctx = {
      server: chosen.server, uri: t.uri, args: t.args, unparsed: t.unparsed, host, scheme: req.scheme ?? 'http',
      internal: false, changes: 0, errorPage: false, vars: new Map(), result,
    };
    this.process(ctx, true);
    result.uri = fromBytes(ctx.uri);
    return result;
  }

  /**
   * Match a URI inside a known server block (what explain does once the log line named the
   * server). `target` is the raw request target from the log's request line.
   */
  matchInServer(server: ServerInfo, target: string, host = '', mergeSlashes?: boolean): MatchResult {
    const result: MatchResult = { server, location: null, status: null, uri: '', reason: [], candidates: [], certain: true, chain: [] };
    const entry = this.table.addrs.find((a) => a.servers.includes(server));
    const def = entry?.defaultServer ?? server;
    const merge = mergeSlashes ?? this.flag(def.node, 'merge_slashes', true);
    if (!merge) result.reason.push('merge_slashes is off in the default server of the address:port: repeated slashes are kept');
    const t = parseTarget(toBytes(target), merge);
    if (!t.ok) {
      result.status = 400;
      result.reason.push(t.reason);
      return result;
    }
    const ctx: Ctx = {
      server, uri: t.uri, args: t.args, unparsed: t.unparsed, host: toBytes(host), scheme: 'http',
      internal: false, changes: 0, errorPage: false, vars: new Map(), result,
    };
    this.process(ctx, true);
    result.uri = fromBytes(ctx.uri);
    return result;
  }

  /**
   * An internal redirect inside a server block, as error_page and try_files make one: to a URI
   * (the server's rewrite directives, then the location search; internal locations may match) or
   * to a named location (its rewrite directives, then its content). `uri` is the URI at the time
   * of the redirect (bytes, as nginx holds it: not decoded again). `errorPage`: error_page is no
   * longer followed (nginx's r->error_page, set unless recursive_error_pages is on).
   */
  redirectInServer(server: ServerInfo, to: { uri: string; args?: string; named?: string }, host = '', errorPage = false): MatchResult {
    const result: MatchResult = { server, location: null, status: null, uri: '', reason: [], candidates: [], certain: true, chain: [] };
    const ctx: Ctx = {
      server, uri: to.uri, args: to.args ?? '', unparsed: to.uri, host: toBytes(host), scheme: 'http',
      internal: true, changes: 1, errorPage, vars: new Map(), result,
    };
    if (to.named !== undefined) {
      const named = this.namedLocation(server, to.named);
      if (!named) {
        result.status = 500;
        result.reason.push(`could not find named location "${to.named}" (500)`);
      } else this.enterNamed(ctx, named);
    } else this.process(ctx, true);
    result.uri = fromBytes(ctx.uri);
    return result;
  }

  /** Server blocks whose `server:` log value is `name` (a hash of every block by logged name, built once; do not modify). */
  serversLogging(name: string): readonly ServerInfo[] {
    if (!this.byLoggedName) {
      this.byLoggedName = new Map();
      for (const s of this.table.servers) {
        const list = this.byLoggedName.get(s.loggedName);
        if (list) list.push(s);
        else this.byLoggedName.set(s.loggedName, [s]);
      }
    }
    return this.byLoggedName.get(name) ?? NONE;
  }

  /** The address entries a server block is in, in table order (built once for every block; do not modify). */
  entries(server: ServerInfo): readonly AddrEntry[] {
    if (!this.entriesOf) {
      this.entriesOf = new Map();
      for (const a of this.table.addrs) {
        for (const s of a.servers) {
          const list = this.entriesOf.get(s);
          if (!list) this.entriesOf.set(s, [a]);
          else if (list[list.length - 1] !== a) list.push(a);
        }
      }
    }
    return this.entriesOf.get(server) ?? NO_ENTRIES;
  }

  namedLocation(server: ServerInfo, name: string): LocationInfo | null {
    return this.level(server).named.find((l) => l.name === name) ?? null;
  }

  // ----- request processing ---------------------------------------------------------------------

  /** Runs from the server rewrite phase (fromServer) or the location search, until a handler. */
  private process(ctx: Ctx, fromServer: boolean): void {
    const r = ctx.result;
    if (fromServer) {
      const sr = this.rewrites(ctx.server.node, ctx, 'server');
      if (sr === 'final') return;
    }
    for (;;) {
      const st: FindState = { current: null, reasons: [], unknownRegexes: [] };
      const rc = findLocation(this.level(ctx.server), ctx.uri, st);
      r.reason.push(...st.reasons.map((x) => `"${fromBytes(ctx.uri)}": ${x}`));
      if (st.unknownRegexes.length) {
        r.certain = false;
        for (const u of st.unknownRegexes) if (!r.candidates.includes(u)) r.candidates.push(u);
      }
      const loc = st.current;
      r.location = loc;
      if (loc) r.chain.push(loc);
      else r.reason.push(`"${fromBytes(ctx.uri)}": no location matches; the server block's own configuration applies`);
      if (loc && !ctx.internal && this.flag(loc.node, 'internal', false, true)) {
        r.reason.push(`${describe(loc)} is internal: an external request gets 404`);
        if (this.status(ctx, 404, loc)) continue;
        return;
      }
      if (rc === 'redirect' && loc) {
        r.reason.push(`${describe(loc)} has a *_pass handler and the URI lacks only its trailing "/": nginx answers 301 to "${loc.name}"`);
        if (this.status(ctx, 301, loc)) continue;
        return;
      }
      const block = loc ? loc.node : null;
      if (block) {
        const lr = this.rewrites(block, ctx, 'location');
        if (lr === 'final') return;
        if (lr === 'again') continue;
      }
      this.content(ctx, loc);
      return;
    }
  }

  /** Follow error_page for a status. True: the URI changed and the search must run again. */
  private status(ctx: Ctx, code: number, loc: LocationInfo | null): boolean {
    const r = ctx.result;
    r.status = code;
    if (code === 444 || ctx.errorPage) return false;
    const pages = this.model.effective(loc ? loc.node : ctx.server.node, 'error_page').nodes;
    for (const p of pages) {
      const args = p.d.args.map((a) => a.value);
      let last = args.length - 1;
      const target = args[last]!;
      if (args[last - 1]?.startsWith('=')) last--;
      if (!args.slice(0, last).includes(String(code))) continue;
      ctx.errorPage = !this.flag(loc ? loc.node : ctx.server.node, 'recursive_error_pages', false);
      r.reason.push(`error_page ${code} ${target} (${where(p)})`);
      if (target.includes('$')) {
        r.certain = false;
        r.reason.push('the error_page target has variables; not followed');
        return false;
      }
      if (!this.change(ctx)) return false;
      if (target.startsWith('@')) {
        const named = this.namedLocation(ctx.server, target);
        if (!named) {
          r.status = 500;
          r.reason.push(`could not find named location "${target}" (500)`);
          return false;
        }
        r.status = null;
        ctx.internal = true;
        this.enterNamed(ctx, named);
        return false;
      }
      if (target.startsWith('/')) {
        const q = target.indexOf('?');
        ctx.uri = toBytes(q < 0 ? target : target.slice(0, q));
        ctx.args = q < 0 ? ctx.args : toBytes(target.slice(q + 1));
        ctx.internal = true;
        r.status = null;
        const sr = this.rewrites(ctx.server.node, ctx, 'server');
        return sr !== 'final';
      }
      r.status = 302;
      r.reason.push(`error_page redirects the client to ${target}`);
      return false;
    }
    return false;
  }

  private enterNamed(ctx: Ctx, named: LocationInfo): void {
    const r = ctx.result;
    r.location = named;
    r.chain.push(named);
    r.reason.push(`internal redirect to ${describe(named)}`);
    const lr = this.rewrites(named.node, ctx, 'location');
    if (lr === 'final') return;
    if (lr === 'again') {
      this.process(ctx, false);
      return;
    }
    this.content(ctx, named);
  }

  /** Count one URI change; false (and status 500) after nginx's limit of 10. */
  private change(ctx: Ctx): boolean {
    ctx.changes++;
    if (ctx.changes > MAX_URI_CHANGES) {
      ctx.result.status = 500;
      ctx.result.reason.push('rewrite or internal redirection cycle: more than 10 URI changes (500)');
      return false;
    }
    return true;
  }

  /** The content phase of the final location: try_files fallbacks. */
  private content(ctx: Ctx, loc: LocationInfo | null): void {
    const r = ctx.result;
    const block = loc ? loc.node : ctx.server.node;
    const tf = block.children.find((c) => c.d.name === 'try_files');
    if (!tf || tf.d.args.length < 2) return;
    const fallback = tf.d.args[tf.d.args.length - 1]!.value;
    if (/^=\d+$/.test(fallback)) {
      r.reason.push(`try_files (${where(tf)}) serves a file or answers ${fallback.slice(1)}`);
      return;
    }
    if (r.certain) r.byFiles = true;
    r.certain = false;
    if (fallback.startsWith('@')) {
      const named = this.namedLocation(ctx.server, fallback);
      r.reason.push(`try_files (${where(tf)}): a file if one exists, else ${named ? describe(named) : `the missing named location ${fallback}`}`);
      if (named && !r.candidates.includes(named)) r.candidates.push(named);
      return;
    }
    if (fallback.includes('$')) {
      r.reason.push(`try_files (${where(tf)}) falls back to "${fallback}", which has variables`);
      return;
    }
    const q = fallback.indexOf('?');
    const sub = normalizePath(toBytes(q < 0 ? fallback : fallback.slice(0, q)), true);
    if (!sub.ok) return;
    const st: FindState = { current: null, reasons: [], unknownRegexes: [] };
    findLocation(this.level(ctx.server), sub.uri, st);
    r.reason.push(`try_files (${where(tf)}): a file if one exists, else an internal redirect to "${fallback}" -> ${st.current ? describe(st.current) : 'the server level'}`);
    if (st.current && st.current !== loc && !r.candidates.includes(st.current)) r.candidates.push(st.current);
  }

  /**
   * The rewrite-module directives of a block, in order. 'final': a response is decided;
   * 'again': the URI changed and the location search runs again; 'next': carry on.
   */
  private rewrites(block: ConfigNode, ctx: Ctx, phase: 'server' | 'location'): 'final' | 'again' | 'next' {
    const r = ctx.result;
    let changed = false;
    const loc = phase === 'location' ? r.location : null;
    for (const d of block.children) {
      if (!REWRITE_DIRECTIVES.has(d.d.name)) continue;
      const args = d.d.args.map((a) => a.value);
      if (d.d.name === 'if') {
        if (d.children.some((c) => REWRITE_DIRECTIVES.has(c.d.name) || /_pass$/.test(c.d.name))) {
          r.certain = false;
          r.reason.push(`if ${args.join(' ')} at ${where(d)} may change this; its condition is not evaluated (assumed false)`);
        }
        continue;
      }
      if (d.d.name === 'set') {
        const v = this.expand(args[1] ?? '', ctx, null);
        if (args[0] && v !== null) ctx.vars.set(args[0].replace(/^\$/, ''), v);
        else if (args[0]) ctx.vars.delete(args[0].replace(/^\$/, ''));
        continue;
      }
      if (d.d.name === 'break') {
        r.reason.push(`break at ${where(d)} stops the rewrite directives`);
        break;
      }
      if (d.d.name === 'return') {
        const code = /^\d{3}$/.test(args[0] ?? '') ? Number(args[0]) : 302;
        r.reason.push(`return ${args.join(' ')} at ${where(d)}`);
        if (code >= 300 && !(code === 200 || code === 204) && this.status(ctx, code, loc)) {
          if (phase === 'server') {
            // an error_page URI restarts processing; the caller's loop searches locations again
            return this.restartFromServer(ctx);
          }
          return 'again';
        }
        if (code < 300) r.status = code;
        return 'final';
      }
      // rewrite REGEX REPLACEMENT [flag]
      const [pattern, replacement, flag] = args;
      if (pattern === undefined || replacement === undefined) continue;
      const t = translatePcre(pattern, false);
      if (!t.ok) {
        r.certain = false;
        r.reason.push(`rewrite at ${where(d)} could not be evaluated (${t.reason}); stopped following rewrites`);
        return 'final';
      }
      const run = runPcre(t, ctx.uri, true);
      if (!run.known) {
        r.certain = false;
        r.reason.push(`rewrite at ${where(d)} could not be evaluated for this URI (uncertain: ${run.reason}); stopped following rewrites`);
        return 'final';
      }
      const m = run.m;
      if (!m) continue;
      const caps = { m, groups: t.groups };
      const redirect = /^(https?:\/\/|\$scheme)/.test(replacement) || flag === 'redirect' || flag === 'permanent';
      const value = this.expand(replacement, ctx, caps);
      if (value === null) {
        r.certain = false;
        r.reason.push(`rewrite at ${where(d)} matches but its replacement "${replacement}" uses variables we cannot know; stopped following`);
        return 'final';
      }
      if (redirect) {
        r.status = flag === 'permanent' ? 301 : 302;
        r.reason.push(`rewrite at ${where(d)} redirects the client (${r.status}) to "${fromBytes(value)}"`);
        return 'final';
      }
      const dropArgs = replacement.endsWith('?');
      const v = dropArgs ? value.slice(0, -1) : value;
      const q = v.indexOf('?');
      if (q >= 0) {
        ctx.args = v.slice(q + 1) + (!dropArgs && ctx.args ? `&${ctx.args}` : '');
        ctx.uri = v.slice(0, q);
      } else {
        ctx.uri = v;
        if (dropArgs) ctx.args = '';
      }
      ctx.internal = true;
      r.reason.push(`rewrite ${pattern} ${replacement}${flag ? ' ' + flag : ''} at ${where(d)}: URI is now "${fromBytes(ctx.uri)}"`);
      if (flag === 'break') return 'next';
      if (flag === 'last') {
        if (phase === 'server') return 'next';
        if (!this.change(ctx)) return 'final';
        return 'again';
      }
      changed = true;
    }
    if (changed && phase === 'location') {
      if (!this.change(ctx)) return 'final';
      return 'again';
    }
    return 'next';
  }

  private restartFromServer(ctx: Ctx): 'final' | 'next' {
    // the caller is process(): it will search locations with the new URI
    return ctx.result.status === null ? 'next' : 'final';
  }

  /** Expands a rewrite replacement (bytes), or null when it needs variables we do not know. */
  private expand(text: string, ctx: Ctx, caps: { m: PcreMatch; groups: number[] } | null): string | null {
    const src = toBytes(text);
    let out = '';
    for (let i = 0; i < src.length; i++) {
      const c = src[i]!;
      if (c !== '$') {
        out += c;
        continue;
      }
      const digit = /^\$(\d)/.exec(src.slice(i));
      if (digit) {
        const n = Number(digit[1]);
        const js = caps?.groups[n];
        out += (js !== undefined ? caps!.m.captures[js] : undefined) ?? '';
        i += 1;
        continue;
      }
      const named = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(src.slice(i));
      if (!named) {
        out += c;
        continue;
      }
      const name = named[1] ?? named[2]!;
      i += named[0].length - 1;
      const capture = caps?.m.groups?.[name];
      if (caps?.m.groups && name in caps.m.groups) {
        out += capture ?? '';
        continue;
      }
      const v = this.variable(name, ctx);
      if (v === null) return null;
      out += v;
    }
    return out;
  }

  private variable(name: string, ctx: Ctx): string | null {
    if (ctx.vars.has(name)) return ctx.vars.get(name)!;
    switch (name) {
      case 'uri':
      case 'document_uri':
        return ctx.uri;
      case 'request_uri':
        return ctx.unparsed;
      case 'args':
      case 'query_string':
        return ctx.args;
      case 'is_args':
        return ctx.args ? '?' : '';
      case 'host':
        return ctx.host || toBytes(ctx.server.loggedName);
      case 'scheme':
        return ctx.scheme;
      case 'server_name':
        return toBytes(ctx.server.loggedName);
    }
    return null;
  }

  /** An on/off directive's effective value at a block (walking up), or the default. */
  flag(block: ConfigNode, name: string, dflt: boolean, inherited = true): boolean {
    const eff = inherited ? this.model.effective(block, name) : { nodes: this.model.directivesIn(block, name) };
    const n = eff.nodes[eff.nodes.length - 1];
    if (!n) return dflt;
    if (name === 'internal') return true;
    return n.d.args[0]?.value.toLowerCase() === 'on';
  }
}

function collectStatic(lv: Level): LocationInfo[] {
  const out: LocationInfo[] = [];
  const walk = (n: { left: unknown; right: unknown; tree: unknown; exact: LocationInfo | null; inclusive: LocationInfo | null } | null): void => {
    if (!n) return;
    if (n.exact) out.push(n.exact);
    if (n.inclusive) out.push(n.inclusive);
    walk(n.left as never);
    walk(n.right as never);
    walk(n.tree as never);
  };
  walk(lv.tree as never);
  return out;
}

export function where(n: ConfigNode): string {
  return `${n.file.source.path}:${lineOf(n)}`;
}

export function serverText(s: ServerInfo): string {
  return `server ${s.names.length ? s.names.join(' ') : '(no server_name)'} (${where(s.node)})`;
}
