// The fixes of static-hostname-upstream: make nginx look a backend's name up again while it runs.
//   nginx >= 1.27.3: an upstream block with `zone` and `server NAME:PORT resolve;` (and a resolver),
//     the *_pass pointed at it; what the backend sees (Host, SNI, URI) is kept.
//   before: `resolver ... valid=10s;` + `set $v NAME:PORT;` + `proxy_pass http://$v;`. A proxy_pass
//     with a URI part maps the location's prefix onto it; with a variable it would send its URI as
//     is instead, so `rewrite (?s)^PREFIX(.*) URI$1 break;` reproduces the mapping (the query string
//     is appended by proxy_pass as before). Where that cannot be reproduced exactly, no fix: the
//     reason is returned as a string and shown in the message.
import type { Fix, TextEdit } from '../diagnostic';
import type { Model } from '../model/model';
import type { ConfigNode } from '../workspace/config-set';
import { staticNames, type StaticName } from '../upstream/host-names';
import { addDirectives, setDirectives, setHeaders } from './headers';
import { eolOf, indentAt, indentUnit, insertIntoBlock } from './builders';
import { editableBlock } from './guard';

/** The resolver line a fix adds: the address, or a placeholder to complete. */
export function resolverLine(addr: string | null): string {
  return addr ? `resolver ${addr} valid=10s;` : 'resolver 127.0.0.53 valid=10s;  # nginx-doctor: put your DNS server here';
}

/** Characters of a proxy_pass URI part that nginx sends the same from config text and from a rewritten URI. */
const PLAIN_URI = /^\/[A-Za-z0-9\-._~!*+,=:@/]*$/;
/** The rewrite module's directives: a rewrite ... break added before them would stop them. */
const REWRITE_PHASE = new Set(['rewrite', 'return', 'break', 'if', 'set']);

function safeName(host: string): string {
  return host.replace(/[^A-Za-z0-9_]/g, '_');
}

/** A variable for the backend's address: one no directive defines, or one only set to this same address. */
function freeVariable(model: Model, host: string, address: string): string {
  const base = `${safeName(host)}_backend`.toLowerCase();
  const usable = (n: string): boolean => (model.definedVariables.get(n) ?? []).every((d) => d.d.name === 'set' && d.d.args[1]?.value === address);
  let name = base;
  for (let i = 2; !usable(name); i++) name = `${base}${i}`;
  return name;
}

function pcreQuote(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

/** Quotes a rewrite argument when nginx would otherwise split or misread it. */
function confArg(v: string): string {
  return /[\s;{}"'#]/.test(v) ? `"${v.replace(/["\\]/g, '\\$&')}"` : v;
}

function statementEdit(node: ConfigNode, lines: string[]): TextEdit {
  const file = node.file.source;
  const sep = eolOf(file) + indentAt(file, node.d.start);
  return { file: file.path, start: node.d.start, end: node.d.end, newText: lines.join(sep) };
}

/** `set` + `*_pass` through a variable (+ rewrite for a URI part), and a resolver where none is in scope. */
export function variableForm(model: Model, s: StaticName, resolver: string | null): Fix | string {
  const t = s.pass;
  const node = s.node;
  const parent = node.parent;
  if (!t || !parent) return 'an upstream server line takes no variables';
  if (node.ctx.startsWith('stream')) return 'the fix is written for the http module only';
  if (t.module === 'memcached') return 'memcached_pass takes no variables';
  if (parent.body !== 'location' && parent.body !== 'if_location') return `${node.d.name} stands in a ${parent.body ?? 'block'} block, where set is not allowed`;
  if (node.via || !editableBlock(parent)) return 'the directive comes from an included file shared by other blocks';
  const v = freeVariable(model, s.host, t.address);
  const lines = [`set $${v} ${t.address};`];
  if (t.uri) {
    const mod = parent.d.args.length > 1 ? parent.d.args[0]!.value : '';
    const prefix = parent.d.args[parent.d.args.length - 1]?.value ?? '';
    if (parent.body !== 'location' || (mod !== '' && mod !== '^~' && mod !== '=')) return 'its URI part is only mapped from a prefix location';
    if (!PLAIN_URI.test(t.uri)) return `its URI part "${t.uri}" holds characters that nginx would send differently from a rewritten URI`;
    const i = parent.children.indexOf(node);
    const phase = parent.children.filter((c, j) => REWRITE_PHASE.has(c.d.name) && (c.d.name !== 'set' || j > i));
    if (phase.length) return `the location has ${phase[0]!.d.name} directives, whose order a rewrite ... break would change`;
    lines.push(`rewrite ${confArg(`(?s)^${pcreQuote(prefix)}(.*)`)} ${t.uri}$1 break;`);
  }
  const scheme = t.scheme ? `${t.scheme}://` : '';
  lines.push(`${node.d.name} ${scheme}$${v};`);
  const edits = [statementEdit(node, lines)];
  if (!model.effectiveNodes(parent, 'resolver').length) {
    const server = model.enclosing(node, ['server']);
    const r = server ? addDirectives(model, server, [resolverLine(resolver)]) : null;
    if (!r) return 'no place for a resolver line in the server block';
    edits.push(r);
  }
  const extra = edits.length > 1 ? ' + resolver' : '';
  return { title: `Resolve ${s.host} per request (set $${v} + ${node.d.name} through it${t.uri ? ', rewrite keeps the URI mapping' : ''}${extra})`, edits };
}

/**
 * An upstream name for a *_pass target: the host when it has the module's default port and no
 * other target names the host with another port (nginx refuses "upstream may not have port"),
 * else host_port.
 */
function groupName(model: Model, s: StaticName): string {
  const t = s.pass!;
  const plain = (t.port === null || t.port === t.defaultPort) && !staticNames(model).some((o) => o.host === s.host && o.pass && o.pass.port !== null && o.pass.port !== o.pass.defaultPort);
  return plain ? s.host : `${safeName(s.host)}_${t.port ?? t.defaultPort}`;
}

/** nginx >= 1.27.3: `zone` + `server NAME resolve;` (+ resolver) in an upstream block. */
export function upstreamForm(model: Model, s: StaticName, resolver: string | null): Fix | string {
  if (s.upstream) return upstreamServerForm(model, s, resolver);
  const t = s.pass!;
  const node = s.node;
  if (node.ctx.startsWith('stream')) return 'the fix is written for the http module only';
  if (node.via || !node.parent || !editableBlock(node.parent)) return 'the directive comes from an included file shared by other blocks';
  const server = model.enclosing(node, ['server']);
  if (!server || server.ctx !== 'http' || !editableBlock(server)) return 'its server block is not directly in http';
  const name = groupName(model, s);
  const arg = node.d.args[0]!;
  const edits: TextEdit[] = [{ file: node.file.source.path, start: arg.start, end: arg.end, newText: `${t.scheme ? `${t.scheme}://` : ''}${name}${t.uri}` }];
  if (!model.upstreams.has(name)) {
    const file = server.file.source;
    const eol = eolOf(file);
    const indent = indentAt(file, server.d.start);
    const unit = indentUnit(file);
    const body = [`zone ${safeName(name)} 64k;`, `server ${t.address} resolve;`];
    if (!model.effectiveNodes(server.parent, 'resolver').length) body.push(resolverLine(resolver));
    const block = [`upstream ${name} {`, ...body.map((l) => unit + l), '}'].map((l) => indent + l).join(eol);
    const at = file.lines.lineStart(file.lines.positionAt(server.d.start).line);
    edits.push({ file: file.path, start: at, end: at, newText: block + eol + eol });
  }
  const also: string[] = [];
  // what the backend sees stays as it was: the Host header and the TLS server name were the written host
  if (t.module === 'proxy' && name !== t.address.toLowerCase()) {
    const block = node.parent!.body === 'location' ? node.parent! : model.enclosing(node, ['location']);
    if (!block) return 'no location to keep the Host header in';
    const host = model.effectiveNodes(block, 'proxy_set_header').filter((h) => h.d.args[0]?.value.toLowerCase() === 'host').at(-1);
    if (!host || host.d.args[1]?.value === '$proxy_host') {
      const e = setHeaders(model, block, [['Host', t.address]]);
      if (!e.length) return 'the Host header cannot be set in this location';
      edits.push(...e);
      also.push('Host');
    }
    if (t.scheme === 'https' && !model.effectiveNodes(block, 'proxy_ssl_name').length) {
      const e = setDirectives(model, block, [['proxy_ssl_name', s.host]]);
      if (!e.length) return 'proxy_ssl_name cannot be set in this location';
      edits.push(...e);
      also.push('proxy_ssl_name');
    }
  }
  return { title: `Resolve ${s.host} while nginx runs (upstream ${name} with zone and server ... resolve${edits.length > 1 && !model.upstreams.has(name) && !model.effectiveNodes(server.parent, 'resolver').length ? ' + resolver' : ''}${also.length ? `; keeps ${also.join(', ')}` : ''})`, edits };
}

function upstreamServerForm(model: Model, s: StaticName, resolver: string | null): Fix | string {
  const up = s.upstream!;
  if (up.body !== 'upstream') return 'the fix is written for the http module only';
  if (s.node.via || !editableBlock(up)) return 'the server line comes from an included file shared by other blocks';
  const last = s.node.d.args[s.node.d.args.length - 1]!;
  const edits: TextEdit[] = [{ file: s.node.file.source.path, start: last.end, end: last.end, newText: ' resolve' }];
  const add: string[] = [];
  if (!model.directivesIn(up, 'zone').length) add.push(`zone ${safeName(up.d.args[0]?.value ?? s.host)} 64k;`);
  if (!model.effectiveNodes(up, 'resolver').length) add.push(resolverLine(resolver));
  if (add.length) {
    const e = insertIntoBlock(up, add, 'start');
    if (!e) return 'no place for zone and resolver in the upstream block';
    edits.push(e);
  }
  return { title: `Resolve ${s.host} while nginx runs (server ... resolve${add.length ? ` + ${add.map((l) => l.split(' ')[0]).join(' + ')}` : ''})`, edits };
}
