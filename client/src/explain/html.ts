// The "Explain this 502" report page (its script: client/webview/explain.ts). Every text from the
// log or the config goes through esc() (log lines are attacker-controlled: request lines, Host
// headers). Links and buttons carry a number only: the extension looks up the place/address it
// rendered itself, so the page cannot make it open an arbitrary file or connect to an arbitrary
// address.
import { esc } from '../webview';
import type { ConfigPlace, ExplainedLine, ExplainQuickFix } from '../../../server/src/protocol/protocol';

/** One group: lines with the same cause at the same place. */
export interface ReportGroup {
  sample: ExplainedLine;
  count: number;
  /** 1-based line numbers in the source document (or entry numbers of a selection). */
  lines: number[];
}

export interface ReportModel {
  title: string;
  root: string | null;
  groups: ReportGroup[];
  /** Lines that were not upstream failures / not explained. */
  skipped: number;
  trusted: boolean;
  error?: string;
  /** A location handed over by the tail view when the workspace config cannot link the line. */
  given?: ConfigPlace;
  /** How the root config is named to the user (relative to the workspace); default: its path. */
  rootLabel?: string;
  /** Set when the report was made again after the config changed (by Apply, or an edit). */
  refreshed?: string;
}

export interface Targets {
  places: ConfigPlace[];
  addresses: string[];
  /** Quick fixes rendered with an Apply button, by number. */
  fixes: ExplainQuickFix[];
}

function short(file: string, roots: string | null): string {
  if (!roots) return file;
  const dir = roots.replace(/[^/\\]*$/, '');
  return file.startsWith(dir) ? file.slice(dir.length) : file;
}

export function groupKey(x: ExplainedLine): string {
  const where = x.location ? `L${x.location.file}:${x.location.line}` : x.serverBlock ? `S${x.serverBlock.file}:${x.serverBlock.line}` : 'none';
  return `${x.cause.id}\0${where}`;
}

/** The page's parts; Ctx.pageHtml adds the CSP and the script. */
export function reportPage(m: ReportModel, t: Targets): { title: string; style: string; body: string } {
  const place = (p: ConfigPlace, label: string): string => {
    t.places.push(p);
    const id = t.places.length - 1;
    return `<a href="#" class="open" data-open="${id}" title="${esc(p.file)}:${p.line}">${esc(label)}</a>`;
  };
  const body: string[] = [];
  // the headline is said once: by the group when there is one, by the page when there are several
  if (m.groups.length !== 1) body.push(`<h1>${esc(m.title)}</h1>`);
  if (m.refreshed) body.push(`<p class="refreshed">${esc(m.refreshed)}</p>`);
  if (m.error) body.push(`<p class="error">${esc(m.error)}</p>`);
  if (!m.groups.length && !m.error) body.push(`<p>No upstream failure (502/504) in the ${m.skipped ? `${m.skipped} ` : ''}line(s) given.</p>`);
  if (m.given && !m.groups.some((g) => g.sample.location)) body.push(`<p>The tail view linked this line to ${place(m.given, `${m.given.file}:${m.given.line}`)}.</p>`);
  const total = m.groups.reduce((n, g) => n + g.count, 0);
  if (m.groups.length > 1) body.push(`<p><b>${total}</b> line(s) in <b>${m.groups.length}</b> group(s) (same cause, same place).</p>`);
  for (const g of m.groups) {
    const x = g.sample;
    const status = x.status === null ? 'no status change' : x.status === 9 ? '009 (not HTTP)' : String(x.status);
    const h: string[] = [];
    h.push(`<section class="group" data-cause="${esc(x.cause.id)}">`);
    h.push(`<h2><span class="status">${esc(status)}</span> ${esc(x.cause.title)} <span class="count">${g.count}×</span></h2>`);

    // 1. what to do: the quick fixes of the location (Apply), then the advice
    const quick = x.quickFixes ?? [];
    if (quick.length || x.fixes.length) {
      h.push('<div class="todo"><h3>What to do</h3>');
      if (quick.length) {
        h.push(`<ul class="quick-fixes">${quick.map((q) => {
          t.fixes.push(q);
          return `<li title="${esc(q.message)}"><button type="button" class="apply" data-apply="${t.fixes.length - 1}">Apply</button> <b>${esc(q.title)}</b> <span class="rule">${esc(q.rule)}</span></li>`;
        }).join('')}</ul>`);
      }
      // the advice names files by absolute path: the config's folder is said once, at the bottom
      const dir = m.root ? m.root.replace(/[^/\\]*$/, '') : '';
      if (x.fixes.length) h.push(`<ul class="fixes">${x.fixes.map((f) => `<li>${esc(dir ? f.split(dir).join('') : f)}</li>`).join('')}</ul>`);
      h.push('</div>');
    }

    // 2. what happened, and why this location: one line each
    h.push('<table class="facts">');
    const row = (k: string, v: string): void => void h.push(`<tr><th>${esc(k)}</th><td>${v}</td></tr>`);
    const request = x.request ? ` <span class="muted">for</span> <code>${esc(x.request.method)} ${esc(x.request.uri)}</code>${x.host ? ` <span class="muted">host</span> <code>${esc(x.host)}</code>` : ''}` : '';
    const upstream = x.upstream ? ` <span class="muted">→</span> <code>${esc(x.upstream)}</code>` : '';
    row('What happened', `${esc(x.message)}${request}${upstream}`);
    if (x.location) {
      const label = `location ${x.location.modifier ? `${x.location.modifier} ` : ''}${x.location.pattern}`;
      row('Location', `<span class="loc">${place(x.location, label)}</span> <span class="muted">${esc(short(x.location.file, m.root))}:${x.location.line}</span>${x.serverBlock ? ` <span class="muted">in</span> ${place(x.serverBlock, `server ${x.serverBlock.name || '""'}`)}` : ''}`);
    } else {
      row('Location', `<span class="muted">no single location</span>${x.serverBlock ? ` <span class="muted">in</span> ${place(x.serverBlock, `server ${x.serverBlock.name || '""'}`)} <span class="muted">${esc(short(x.serverBlock.file, m.root))}:${x.serverBlock.line}</span>` : ''}`);
    }
    // the confidence word, explained where it stands
    row('Confidence', `<span class="confidence" title="${esc(x.confidenceMeaning)}"><b>${esc(x.confidence)}</b></span> <span class="muted">${esc(x.confidenceMeaning.replace(/^\w+: /, ''))}</span>`);
    if (x.via.length) row('Reached through', esc(x.via.join(', then ')));
    if (x.why) row(x.confidence === 'ambiguous' ? 'Why ambiguous' : 'Why not exact', `<span class="why">${esc(x.why)}</span>`);
    if (x.candidates.length) {
      const items = x.candidates.map((c) => {
        const label = c.location ? `location ${c.location.modifier ? `${c.location.modifier} ` : ''}${c.location.pattern}` : `server ${c.serverBlock.name || '""'}`;
        const p = c.location ?? c.serverBlock;
        return `<li>${place(p, label)} <span class="muted">${esc(short(p.file, m.root))}:${p.line}, server ${esc(c.serverBlock.name || '""')}: ${esc(c.why)}</span></li>`;
      });
      row(x.confidence === 'ambiguous' ? 'Candidates' : 'Also possible', `<ul class="candidates">${items.join('')}</ul>`);
    }
    row(g.count === 1 ? 'Log line' : 'Log lines', esc(`${g.lines.slice(0, 20).join(', ')}${g.lines.length > 20 ? ', ...' : ''}`));
    h.push('</table>');

    // 3. the upstream (with the probe), then the details, collapsed
    const u = x.upstreamServers;
    if (u.pass || u.servers.length) {
      h.push(`<h3>Upstream${u.group ? ` <code>${esc(u.group)}</code>` : ''}</h3>`);
      if (u.pass) h.push(`<p class="pass">${place(u.pass, u.pass.text)}</p>`);
      h.push('<ul class="servers">');
      for (const s of u.servers) {
        let probe = '';
        if (m.trusted && !s.address.includes('$')) {
          t.addresses.push(s.address);
          probe = ` <button type="button" class="probe" data-probe="${t.addresses.length - 1}">Probe upstream</button> <span class="probe-result" id="probe-${t.addresses.length - 1}"></span>`;
        }
        h.push(`<li><code>${esc(s.text)}</code> ${place(s, `${short(s.file, m.root)}:${s.line}`)}${probe}</li>`);
      }
      h.push('</ul>');
      if (!m.trusted && u.servers.length) h.push('<p class="muted">Probing the upstream needs a trusted workspace.</p>');
    }
    if (x.reasons.length) h.push(`<details><summary>How the location was chosen</summary><ul>${x.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul></details>`);
    if (x.settings.length) {
      h.push(`<details class="settings"><summary>Effective settings ${x.location ? 'at this location' : 'in this server block'} (${x.settings.length})</summary><table class="settings">`);
      for (const s of x.settings) {
        h.push(`<tr><th><code>${esc(s.name)}</code></th><td><code>${esc(s.value)}</code></td><td>${s.isDefault ? '<span class="muted">default</span>' : place(s, `${short(s.file, m.root)}:${s.line}`)}</td></tr>`);
      }
      h.push('</table></details>');
    }
    h.push(`<details><summary>The log line</summary><pre>${esc(x.logLine)}</pre></details>`);
    h.push('</section>');
    body.push(h.join('\n'));
  }
  if (m.root) body.push(`<p class="muted">Config: ${esc(m.rootLabel ?? m.root)}</p>`);
  return {
    title: esc(m.title),
    style: `
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 8px 16px; }
  h1 { font-size: 1.3em; } h2 { font-size: 1.15em; margin: 0 0 4px 0; } h3 { font-size: 1em; margin: 12px 0 4px 0; }
  .group { border: 1px solid var(--vscode-panel-border); border-left: 3px solid var(--vscode-errorForeground); padding: 8px 12px; margin: 12px 0; }
  .status { color: var(--vscode-errorForeground); font-family: var(--vscode-editor-font-family); }
  .count, .muted { color: var(--vscode-descriptionForeground); }
  .error { color: var(--vscode-errorForeground); }
  th { text-align: left; vertical-align: top; padding-right: 12px; font-weight: 600; }
  td { vertical-align: top; padding-right: 12px; }
  a { color: var(--vscode-textLink-foreground); cursor: pointer; }
  code, pre { font-family: var(--vscode-editor-font-family); }
  pre { white-space: pre-wrap; word-break: break-all; }
  button { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 1px 8px; cursor: pointer; }
  .ok { color: var(--vscode-testing-iconPassed, #3c3); } .fail { color: var(--vscode-errorForeground); }
  .todo { margin: 8px 0 10px 0; } .todo h3 { margin-top: 4px; }
  .todo ul { margin: 4px 0; padding-left: 20px; } .quick-fixes { list-style: none; padding-left: 0 !important; } .quick-fixes li { margin: 3px 0; }
  .rule { color: var(--vscode-descriptionForeground); }
  .refreshed { border-left: 3px solid var(--vscode-notificationsInfoIcon-foreground, var(--vscode-textLink-foreground)); padding: 4px 8px; background: var(--vscode-textBlockQuote-background); }
  details { margin: 6px 0; } summary { cursor: pointer; color: var(--vscode-textLink-foreground); }
  table.facts th { white-space: nowrap; }
  /* a narrow column wraps long values (URLs, paths) instead of cutting them off */
  td, li, code { overflow-wrap: anywhere; }
`,
    body: body.join('\n'),
  };
}
