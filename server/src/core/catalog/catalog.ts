// Looks up directives and variables in the generated catalog, for a given nginx version.
import type { CatalogData, DirectiveRecord, ParameterData, ParameterRecord, VariableData, VariableRecord } from './types';
import { inRange, type Version } from '../util/version';
import { closestMatch } from '../util/strings';

export type BlockKind =
  | 'main' | 'events' | 'http' | 'server' | 'location' | 'upstream' | 'if_server' | 'if_location'
  | 'limit_except' | 'stream' | 'stream_server' | 'stream_upstream' | 'mail' | 'mail_server'
  | 'data' | 'raw' | 'unknown';

const FAMILY_OF: Record<string, string> = {
  main: 'core', events: 'event', http: 'http', server: 'http', location: 'http', upstream: 'http',
  if_server: 'http', if_location: 'http', limit_except: 'http', stream: 'stream',
  stream_server: 'stream', stream_upstream: 'stream', mail: 'mail', mail_server: 'mail',
};

export class Catalog {
  private readonly byName = new Map<string, DirectiveRecord[]>();
  private readonly vars = new Map<string, VariableRecord[]>();
  private readonly prefixes: VariableRecord[] = [];
  private readonly params = new Map<string, ParameterRecord[]>();
  readonly versions: string[];

  constructor(data: CatalogData, variables: VariableData, parameters?: ParameterData) {
    this.versions = data.versions;
    for (const p of parameters?.parameters ?? []) {
      const key = `${p.directive}|${p.module}`;
      const list = this.params.get(key);
      if (list) list.push(p);
      else this.params.set(key, [p]);
    }
    for (const r of data.directives) {
      const list = this.byName.get(r.name);
      if (list) list.push(r);
      else this.byName.set(r.name, [r]);
    }
    for (const v of variables.variables) {
      if (v.prefix) this.prefixes.push(v);
      else {
        const list = this.vars.get(v.name);
        if (list) list.push(v);
        else this.vars.set(v.name, [v]);
      }
    }
  }

  /** Every record with this name, in any version and context. */
  records(name: string): readonly DirectiveRecord[] {
    return this.byName.get(name) ?? [];
  }

  /** Records usable in a context for a version (null version: any version). */
  allowed(name: string, ctx: BlockKind, version: Version | null): DirectiveRecord[] {
    return this.records(name).filter(
      (r) => (r.contexts.includes(ctx) || r.contexts.includes('any')) && existsIn(r, version),
    );
  }

  /** Records that exist in the given version, whatever the context. */
  inVersion(name: string, version: Version | null): DirectiveRecord[] {
    return this.records(name).filter((r) => existsIn(r, version));
  }

  names(): IterableIterator<string> {
    return this.byName.keys();
  }

  /** Names usable in a context, for suggestions. */
  namesFor(ctx: BlockKind, version: Version | null): string[] {
    const out: string[] = [];
    for (const [name, recs] of this.byName) {
      if (recs.some((r) => r.contexts.includes(ctx) && existsIn(r, version))) out.push(name);
    }
    return out;
  }

  suggest(name: string, ctx: BlockKind, version: Version | null): string | undefined {
    return closestMatch(name, this.namesFor(ctx, version)) ?? closestMatch(name, [...this.byName.keys()]);
  }

  /** The context a block directive opens, given the context it stands in. */
  bodyKind(name: string, ctx: BlockKind): BlockKind {
    switch (name) {
      case 'http': return 'http';
      case 'events': return 'events';
      case 'stream': return 'stream';
      case 'mail': return 'mail';
      case 'location': return 'location';
      case 'limit_except': return 'limit_except';
      case 'if': return ctx === 'server' ? 'if_server' : 'if_location';
      case 'server':
        return ctx === 'stream' ? 'stream_server' : ctx === 'mail' ? 'mail_server' : ctx === 'http' ? 'server' : 'unknown';
      case 'upstream':
        return ctx === 'stream' ? 'stream_upstream' : ctx === 'http' ? 'upstream' : 'unknown';
    }
    if (/_by_lua_block$/.test(name)) return 'raw';
    const family = FAMILY_OF[ctx];
    const recs = this.records(name).filter((r) => r.block && (!family || r.family === family || r.contexts.includes(ctx)));
    const kind = recs[0]?.bodyKind;
    if (kind === 'data') return 'data';
    if (kind === 'raw') return 'raw';
    return 'unknown';
  }

  /** True when a variable name is built in (directly or by prefix) for the family in this version. */
  isBuiltinVariable(name: string, family: string, version: Version | null): boolean {
    name = name.toLowerCase();
    const ok = (v: VariableRecord): boolean =>
      (v.family === family || family === 'any') && (!version || inRange(version, v.since, v.until));
    if ((this.vars.get(name) ?? []).some(ok)) return true;
    // "$arg_" and "$http_" (empty name after the prefix) are valid: nginx matches by prefix
    return this.prefixes.some((p) => name.startsWith(p.name) && ok(p));
  }

  /** The built-in variable records with this exact name (not prefixes) in the family and version. */
  builtinVariable(name: string, family: string, version: Version | null): VariableRecord[] {
    return (this.vars.get(name.toLowerCase()) ?? []).filter((v) => v.family === family && (!version || inRange(version, v.since, v.until)));
  }

  /** Parameters the handler of a directive (in a module) accepts by name, in any version; empty when not catalogued. */
  parameters(directive: string, module: string): readonly ParameterRecord[] {
    return this.params.get(`${directive}|${module}`) ?? [];
  }

  variableNames(family: string): string[] {
    return [...this.vars.entries()].filter(([, recs]) => recs.some((r) => r.family === family)).map(([n]) => n);
  }
}

/**
 * A record exists in a version when the version is in its range; with a known (open source)
 * version, NGINX Plus-only directives (documented, commercial, in no open source release) do not.
 * Without a version everything is accepted.
 */
export function existsIn(r: DirectiveRecord, version: Version | null): boolean {
  if (!version) return true;
  if (r.source === 'docs' && r.commercial) return false;
  return inRange(version, r.since, r.until);
}

export function isPlusOnly(r: DirectiveRecord): boolean {
  return r.source === 'docs' && !!r.commercial;
}

export function familyOf(ctx: BlockKind): string {
  return FAMILY_OF[ctx] ?? 'http';
}
