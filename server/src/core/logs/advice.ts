// Advice: what a linked log line means and what to look at: a one-line summary, the settings in
// effect where the request failed (with their file:line, or the catalog default), the *_pass and
// upstream that name the backend, and the cause's checks.
import type { Model } from '../model/model';
import { where } from '../match/matcher';
import { describe as describeLocation } from '../match/locations';
import { moduleOfLogged, passNodesIn } from '../upstream/pass-target';
import { defaultText, effectiveUpstreamSetting } from '../upstream/settings';
import { shortServer } from './link';
import type { Explanation } from './explain';
import type { ConfigNode } from '../workspace/config-set';

export function summary(x: Explanation): string {
  const status = x.status === null ? (x.bodyPhase ? 'truncated response' : 'no status change') : x.status === 9 ? '009' : String(x.status);
  const what = x.cause.id === 'unknown' && x.entry.kind === 'access' ? `${status} in the access log (the error log has the cause)` : `${status}: ${x.cause.title}`;
  const req = x.request ? ` for ${x.request.method} ${x.request.target}` : '';
  const peer = x.upstream ? ` [upstream ${x.upstream}]` : '';
  let where_ = '';
  if (x.location) where_ = ` in ${describeLocation(x.location)}`;
  else if (x.server) where_ = ` in server ${shortServer(x.server)} (${where(x.server.node)})${x.confidence === 'ambiguous' ? '' : ' (no location)'}`;
  return `${what}${req}${where_}${peer}`;
}

export function advice(x: Explanation, model: Model): string[] {
  const out: string[] = [];
  const loc = x.location;
  const block = loc ? loc.node : x.server ? x.server.node : null;
  const targets = loc ? passNodesIn(loc.node) : x.server ? passNodesIn(x.server.node, true) : [];
  const mod = targets[0]?.target.module ?? moduleOfLogged(x.upstream);
  const show = (name: string): string | null => {
    const s = block ? effectiveUpstreamSetting(model, block, name, mod) : null;
    if (!s) return null;
    const n = s.nodes[s.nodes.length - 1];
    return n ? `${s.name} is ${n.d.args.map((a) => a.value).join(' ')} (${where(n)})` : `${s.name} is not set, so the default ${defaultText(s.default)} applies`;
  };
  const push = (s: string | null): void => {
    if (s && !out.includes(s)) out.push(s);
  };
  for (const name of x.cause.settings ?? []) push(show(name));
  for (const t of targets) {
    if (x.cause.probeHelps) {
      push(`the backend comes from ${t.node.d.name} ${t.node.d.args[0]?.value ?? ''} (${where(t.node)})`);
      const group = t.target.hasVariables ? undefined : model.upstreams.get(t.target.address.replace(/:\d+$/, ''));
      if (group) for (const g of group) push(`upstream ${g.d.args[0]?.value} is defined at ${where(g)}`);
    }
  }
  limitLinks(x, model, block, push);
  if (x.cause.peerAdvice && x.upstream) push(/\/\/unix:/.test(x.upstream) ? x.cause.peerAdvice.unix : x.cause.peerAdvice.tcp);
  const unixPeer = x.upstream !== null && /(^|\/\/)unix:/.test(x.upstream);
  for (const c of x.cause.checks) {
    if (x.upstream !== null && !unixPeer && /unix socket/i.test(c) && !/TCP/.test(c)) continue;
    if (unixPeer && /bound to 127\.0\.0\.1/.test(c)) continue;
    push(c);
  }
  if (x.entry.kind === 'access' && x.cause.id === 'unknown') {
    push(`the access log only has the status; the error log line of ${x.time ?? 'the same time'} for this request names the cause (run explain on the error log)`);
    if (x.status === 504) push('504 means a timeout: connecting (proxy_connect_timeout), sending (proxy_send_timeout) or waiting for the response header (proxy_read_timeout)');
    if (x.status === 502) push('502 means nginx could not get a valid response header: refused or reset connections, a crash, invalid or too big headers, TLS or DNS failures');
  }
  return out;
}

/** The limit_req / limit_conn lines that apply (and their zone's definition), for the zone the message names. */
function limitLinks(x: Explanation, model: Model, block: ConfigNode | null, push: (s: string | null) => void): void {
  const conn = x.cause.id === 'limit-conn-rejected';
  if (!conn && x.cause.id !== 'limit-req-rejected' && x.cause.id !== 'limit-req-delayed') return;
  const zone = /by zone "([^"]+)"/.exec(x.entry.kind === 'error' ? x.entry.message : '')?.[1];
  const name = conn ? 'limit_conn' : 'limit_req';
  const uses = block ? model.effective(block, name).nodes.filter((n) => zone === undefined || (conn ? n.d.args[0]?.value === zone : n.d.args.some((a) => a.value === `zone=${zone}`))) : [];
  for (const n of uses) push(`${name} ${n.d.args.map((a) => a.value).join(' ')} applies here (${where(n)})`);
  for (const z of model.named(`${name}_zone`)) {
    if (zone !== undefined && !z.d.args.some((a) => a.value === `zone=${zone}` || a.value.startsWith(`zone=${zone}:`))) continue;
    push(`zone "${zone ?? ''}" is defined by ${name}_zone ${z.d.args.map((a) => a.value).join(' ')} (${where(z)})`);
  }
  if (!conn && x.cause.id === 'limit-req-rejected' && block) {
    const st = model.effective(block, 'limit_req_status').nodes.at(-1);
    push(st ? `limit_req_status is ${st.d.args[0]?.value} (${where(st)})` : 'limit_req_status is not set, so rejected requests get 503');
  }
}
