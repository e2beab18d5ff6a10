// Server block selection as nginx does it: listen address:port tables (ngx_http_add_listen,
// ngx_http_add_addresses: a connection to an IP that has its own `listen` only sees the servers
// of that IP, otherwise the wildcard's), the default server (default_server, else the first
// server that listened there), and the name lookup of ngx_http_find_virtual_server: exact names,
// then the longest leading wildcard (*.example.com, .example.com), then the longest trailing
// wildcard (www.example.*), then regexes in order; conflicts keep the first server (ngx_hash_add_key).
import type { ConfigNode } from '../workspace/config-set';
import { parseListen } from '../values/listen';
import { asciiLower, toBytes } from './bytes';
import { translatePcre, runPcre, type CompiledPcre } from './pcre';

export interface ServerInfo {
  node: ConfigNode;
  index: number;
  /** Every server_name argument, as written. */
  names: string[];
  /** What nginx logs as `server:` for requests of this block (first name, lowercased, no leading "."). */
  loggedName: string;
  listens: ListenInfo[];
}

export interface ListenInfo {
  node: ConfigNode | null;
  family: 'ipv4' | 'ipv6' | 'unix';
  /** "*" / "[::]" for wildcards, else the IP ("127.0.0.1", "[::1]"), a unix path, or an unresolved host name. */
  host: string;
  port: number;
  defaultServer: boolean;
  /** An address nginx would resolve at start-up that we cannot (a host name other than localhost). */
  unresolved?: string;
}

interface RegexName {
  server: ServerInfo;
  name: string;
  re: CompiledPcre | null;
  problem?: string;
}

export interface AddrEntry {
  family: 'ipv4' | 'ipv6' | 'unix';
  host: string;
  port: number;
  servers: ServerInfo[];
  defaultServer: ServerInfo;
  defaultExplicit: boolean;
  exact: Map<string, ServerInfo>;
  head: Map<string, { server: ServerInfo; dot: boolean }>;
  tail: Map<string, ServerInfo>;
  regex: RegexName[];
  /** Names nginx would refuse or ignore here ("conflicting server name ..."), as reasons. */
  notes: string[];
  built: boolean;
}

export interface ServerTableOptions {
  /** Port of servers without `listen`: 80 when nginx runs as root, else 8000. */
  implicitPort?: number;
  /** Value of $hostname in server_name. */
  hostname?: string;
}

export class ServerTable {
  readonly servers: ServerInfo[] = [];
  readonly addrs: AddrEntry[] = [];

  constructor(serverNodes: ConfigNode[], private readonly opts: ServerTableOptions = {}) {
    serverNodes.forEach((node, index) => {
      const names: string[] = [];
      for (const c of node.children) if (c.d.name === 'server_name') names.push(...c.d.args.map((a) => a.value));
      const info: ServerInfo = { node, index, names, loggedName: loggedName(names, opts.hostname), listens: [] };
      this.servers.push(info);
      for (const c of node.children) {
        if (c.d.name !== 'listen' || !c.d.args[0]) continue;
        for (const l of listenAddresses(c)) {
          info.listens.push(l);
          this.add(info, l);
        }
      }
      if (!info.listens.some(() => true)) {
        const l: ListenInfo = { node: null, family: 'ipv4', host: '*', port: opts.implicitPort ?? 80, defaultServer: false };
        info.listens.push(l);
        this.add(info, l);
      }
    });
  }

  private add(server: ServerInfo, l: ListenInfo): void {
    let a = this.addrs.find((x) => x.family === l.family && x.host === l.host && x.port === l.port);
    if (!a) {
      a = {
        family: l.family, host: l.host, port: l.port, servers: [], defaultServer: server, defaultExplicit: false,
        exact: new Map(), head: new Map(), tail: new Map(), regex: [], notes: [], built: false,
      };
      this.addrs.push(a);
    }
    if (!a.servers.includes(server)) a.servers.push(server);
    if (l.defaultServer && !a.defaultExplicit) {
      a.defaultServer = server;
      a.defaultExplicit = true;
    }
  }

  /** The address entry a connection to addr:port lands on: the specific IP if listened, else the wildcard. */
  entryFor(addr: string, port: number): AddrEntry | null {
    const family = addr.startsWith('unix:') ? 'unix' : addr.includes(':') || addr.startsWith('[') ? 'ipv6' : 'ipv4';
    const host = family === 'ipv6' ? normIpv6(addr) : addr;
    const same = this.addrs.filter((a) => a.family === family && (family === 'unix' || a.port === port));
    return same.find((a) => a.host === host) ?? same.find((a) => a.host === '*' || a.host === '[::]') ?? null;
  }

  /** Name lookup on one address entry. Returns the server and how it was chosen. */
  lookup(entry: AddrEntry, host: string): { server: ServerInfo; how: string } {
    if (!entry.built) this.build(entry);
    const hit = entry.exact.get(host);
    if (hit) return { server: hit, how: `server_name "${host}" matches exactly` };
    const labels = host.split('.');
    for (let k = 0; k < labels.length; k++) {
      const suffix = labels.slice(k).join('.');
      const h = entry.head.get(suffix);
      if (h && (k > 0 || h.dot)) return { server: h.server, how: `wildcard server_name "${h.dot ? '.' : '*.'}${suffix}" is the longest leading wildcard that matches` };
    }
    for (let k = labels.length - 1; k >= 1; k--) {
      const prefix = labels.slice(0, k).join('.');
      const t = entry.tail.get(prefix);
      if (t) return { server: t, how: `wildcard server_name "${prefix}.*" is the longest trailing wildcard that matches` };
    }
    // regexes that could not be evaluated for this host (not translatable, or too costly)
    const unknown = entry.regex.filter((r) => !r.re).map((r) => `"${r.name}" (${r.problem})`);
    if (host.length) {
      for (const r of entry.regex) {
        if (!r.re) continue;
        const run = runPcre(r.re, host);
        if (!run.known) {
          unknown.push(`"${r.name}" (uncertain: ${run.reason})`);
          continue;
        }
        if (run.m) return { server: r.server, how: `regex server_name "${r.name}" is the first regex that matches` };
      }
    }
    const why = unknown.length ? `; could not evaluate ${unknown.join(', ')}` : '';
    return {
      server: entry.defaultServer,
      how: `no server_name matches "${host}": the ${entry.defaultExplicit ? 'default_server' : 'first server'} of ${entryText(entry)} takes it${why}`,
    };
  }

  private build(entry: AddrEntry): void {
    entry.built = true;
    const reserved = new Set<string>();
    const headReserved = new Set<string>();
    const tailReserved = new Set<string>();
    const conflict = (n: string): void => {
      entry.notes.push(`conflicting server name "${n}" on ${entryText(entry)}, ignored (the first server keeps it)`);
    };
    for (const s of entry.servers) {
      // a server without server_name has the name "" (ngx_http_core_merge_srv_conf)
      for (const raw of s.names.length ? s.names : ['']) {
        if (raw.startsWith('~')) {
          const pattern = raw.slice(1);
          const t = translatePcre(pattern, /[A-Z]/.test(pattern));
          entry.regex.push(t.ok ? { server: s, name: raw, re: t } : { server: s, name: raw, re: null, problem: t.reason });
          continue;
        }
        let name = raw.toLowerCase() === '$hostname' ? this.opts.hostname ?? null : asciiLower(toBytes(raw));
        if (name === null) {
          entry.notes.push('server_name $hostname: the machine name is not known here, so it matches nothing');
          continue;
        }
        name = asciiLower(name);
        const stars = name.split('*').length - 1;
        if (stars > 1 || name.includes('..')) {
          entry.notes.push(`invalid server name or wildcard "${name}" (nginx refuses it when several servers share ${entryText(entry)})`);
          continue;
        }
        if (name.length > 1 && name.startsWith('.')) {
          const key = name.slice(1);
          if (reserved.has(key)) {
            conflict(name);
            continue;
          }
          reserved.add(key);
          if (headReserved.has(key)) {
            conflict(name);
            continue;
          }
          headReserved.add(key);
          entry.head.set(key, { server: s, dot: true });
          continue;
        }
        if (name.length > 2 && name.startsWith('*.')) {
          const key = name.slice(2);
          if (headReserved.has(key)) {
            conflict(name);
            continue;
          }
          headReserved.add(key);
          entry.head.set(key, { server: s, dot: false });
          continue;
        }
        if (name.length > 2 && name.endsWith('.*')) {
          const key = name.slice(0, -2);
          if (tailReserved.has(key)) {
            conflict(name);
            continue;
          }
          tailReserved.add(key);
          entry.tail.set(key, s);
          continue;
        }
        if (stars) {
          entry.notes.push(`invalid server name or wildcard "${name}" (nginx refuses it when several servers share ${entryText(entry)})`);
          continue;
        }
        if (reserved.has(name)) {
          conflict(name);
          continue;
        }
        reserved.add(name);
        entry.exact.set(name, s);
      }
    }
  }
}

export function entryText(e: { family: string; host: string; port: number }): string {
  if (e.family === 'unix') return e.host;
  return `${e.host === '[::]' || e.host === '*' ? (e.family === 'ipv6' ? '[::]' : '*') : e.host}:${e.port}`;
}

function normIpv6(addr: string): string {
  const inner = addr.replace(/^\[|\]$/g, '').toLowerCase();
  return `[${expandIpv6(inner)}]`;
}

function expandIpv6(a: string): string {
  // canonical short form: good enough to compare "::1" with "0:0:0:0:0:0:0:1"
  const parts = a.split('::');
  const head = parts[0] ? parts[0].split(':') : [];
  const tail = parts.length > 1 && parts[1] ? parts[1].split(':') : [];
  const fill = parts.length > 1 ? new Array(Math.max(0, 8 - head.length - tail.length)).fill('0') : [];
  return [...head, ...fill, ...tail].map((x) => x.replace(/^0+(?=.)/, '')).join(':');
}

/** The addresses of one `listen` directive (localhost resolves to 127.0.0.1 and [::1]). */
export function listenAddresses(node: ConfigNode): ListenInfo[] {
  const args = node.d.args.map((a) => a.value);
  const isDefault = args.slice(1).some((a) => a === 'default_server' || a === 'default');
  const l = parseListen(args[0]!);
  if (l.unix) return [{ node, family: 'unix', host: l.host, port: 0, defaultServer: isDefault }];
  if (l.port === null) return [];
  const port = l.port;
  const host = l.host;
  if (host === '*') return [{ node, family: 'ipv4', host: '*', port, defaultServer: isDefault }];
  if (host.startsWith('[')) {
    const h = normIpv6(host);
    return [{ node, family: 'ipv6', host: h === '[0:0:0:0:0:0:0:0]' ? '[::]' : h, port, defaultServer: isDefault }];
  }
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host)) return [{ node, family: 'ipv4', host, port, defaultServer: isDefault }];
  if (host.toLowerCase() === 'localhost') {
    return [
      { node, family: 'ipv4', host: '127.0.0.1', port, defaultServer: isDefault },
      { node, family: 'ipv6', host: normIpv6('::1'), port, defaultServer: isDefault },
    ];
  }
  return [{ node, family: 'ipv4', host, port, defaultServer: isDefault, unresolved: host }];
}

/** What nginx logs as `server:` for a block with these server_name arguments (nginx-facts §1.3). */
export function loggedName(names: string[], hostname?: string): string {
  const first = names[0];
  if (first === undefined) return '';
  if (first.startsWith('~')) return first;
  if (first.toLowerCase() === '$hostname') return hostname ?? '$hostname';
  const low = asciiLower(first);
  return low.startsWith('.') ? low.slice(1) : low;
}
