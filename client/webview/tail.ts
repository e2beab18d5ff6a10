// The tail view's page. Log text only reaches the page through messages and is put in with
// textContent, never as HTML, so a log line cannot inject markup. Links carry a line id only: the
// host looks up the location it sent itself.
import { connect } from './api';
import type { TailToHost, TailToPage, TailViewLine } from './messages';
import type { TailStateEvent } from '../../server/src/protocol/protocol';

const list = document.getElementById('lines')!;
const states = document.getElementById('states')!;
const problems = document.getElementById('problems')!;
const held = document.getElementById('held')!;
const pause = document.getElementById('pause') as HTMLButtonElement;
const hostFilter = document.getElementById('host') as HTMLSelectElement;
const hostLabel = document.getElementById('host-label')!;
/** Hosts seen so far, in order; the host column and filter appear once there are two. */
const hostsSeen: string[] = [];
let onlyHost = '';
let max = 10000;
let canExplain = false;
let paused = false;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function link(cls: string, text: string, open: () => void, keyboard: boolean): HTMLAnchorElement {
  const a = el('a', cls, text);
  a.setAttribute('role', 'link');
  a.tabIndex = 0;
  a.addEventListener('click', open);
  if (keyboard) a.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter') open();
  });
  return a;
}

function row(l: TailViewLine): HTMLDivElement {
  const d = el('div', `line kind-${l.kind}${l.level ? ` lv-${l.level}` : ''}${l.failure ? ' failure' : ''}${(l.status ?? 0) >= 500 ? ' s5xx' : ''}${l.status === 504 ? ' s504' : ''}`);
  d.dataset.id = String(l.id);
  d.dataset.host = l.host;
  if (onlyHost && l.host !== onlyHost) d.hidden = true;
  d.appendChild(el('span', 'host', l.host));
  d.appendChild(el('span', 'src', `[${l.source}]`));
  if (l.kind === 'gap') d.appendChild(el('span', 'gap-label', '\u26a0 gap: '));
  d.appendChild(el('span', 'text', l.text));
  if (l.failure) {
    const x = el('div', 'detail');
    x.appendChild(el('span', 'cause', `${l.status === null ? '' : `${l.status} `}${l.cause || 'upstream failure'}`));
    if (l.location) {
      x.appendChild(document.createTextNode(' \u2014 '));
      x.appendChild(link('loc', l.location, () => host.post({ type: 'open', id: l.id, what: 'location' }), true));
    } else if (l.server) {
      x.appendChild(document.createTextNode(' \u2014 '));
      x.appendChild(link('srv', l.server, () => host.post({ type: 'open', id: l.id, what: 'server' }), false));
    } else if (l.summary) {
      x.appendChild(el('span', 'summary', ` \u2014 ${l.summary}`));
    }
    if (l.differs) x.appendChild(el('span', 'differs', ` (${l.differs})`));
    if (canExplain) {
      const b = el('button', 'explain', 'Explain');
      b.type = 'button';
      b.addEventListener('click', () => host.post({ type: 'explain', id: l.id }));
      x.appendChild(b);
    }
    d.appendChild(x);
  }
  return d;
}

function atBottom(): boolean {
  return window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
}

/** A new host: an option of the filter; from the second one on, the host column shows. */
function noteHosts(hosts: string[]): void {
  for (const h of hosts) {
    if (hostsSeen.includes(h)) continue;
    hostsSeen.push(h);
    const o = el('option', '', h);
    o.value = h;
    hostFilter.appendChild(o);
  }
  const many = hostsSeen.length > 1;
  hostLabel.hidden = !many;
  document.body.classList.toggle('hosts', many);
}

function append(lines: TailViewLine[]): void {
  noteHosts(lines.map((l) => l.host));
  const stick = atBottom();
  const frag = document.createDocumentFragment();
  for (const l of lines) frag.appendChild(row(l));
  list.appendChild(frag);
  while (list.childElementCount > max) list.removeChild(list.firstElementChild!);
  if (stick) window.scrollTo(0, document.body.scrollHeight);
}

function showStates(s: TailStateEvent[]): void {
  // one source: the [source] prefix of every line says nothing the header does not
  document.body.classList.toggle('one-source', new Set(s.map((st) => st.source)).size <= 1);
  states.textContent = '';
  problems.textContent = '';
  noteHosts(s.map((st) => st.host ?? st.source));
  for (const st of s) {
    const chip = el('span', `state ${st.state}`, `${st.source}: ${st.state}${st.state === 'reconnecting' && (st.attempt ?? 0) > 1 ? ` (attempt ${st.attempt})` : ''}`);
    if (st.message) chip.title = st.message;
    states.appendChild(chip);
    states.appendChild(document.createTextNode(' '));
    if (st.state === 'failed' || st.state === 'reconnecting' || st.state === 'waiting') {
      problems.appendChild(el('div', '', `${st.source}: ${st.message || st.state}${st.reason ? ` (${st.reason})` : ''}`));
      if (st.fix) problems.appendChild(el('div', 'fix', st.fix));
    }
  }
}

const host = connect<TailToHost, TailToPage>((m) => {
  switch (m.type) {
    case 'init':
      max = m.maxLines;
      canExplain = !!m.canExplain;
      list.textContent = '';
      append(m.lines);
      showStates(m.states);
      break;
    case 'append':
      append(m.lines);
      break;
    case 'states':
      showStates(m.states);
      break;
    case 'held':
      held.textContent = m.count ? `paused: ${m.count} new line(s) held` : '';
      break;
  }
});

document.getElementById('filter')!.addEventListener('change', (ev) => {
  document.body.dataset.filter = (ev.target as HTMLSelectElement).value;
});
hostFilter.addEventListener('change', () => {
  onlyHost = hostFilter.value;
  for (const r of Array.from(list.children) as HTMLElement[]) r.hidden = !!onlyHost && r.dataset.host !== onlyHost;
  window.scrollTo(0, document.body.scrollHeight);
});
document.getElementById('clear')!.addEventListener('click', () => {
  list.textContent = '';
  host.post({ type: 'clear' });
});
pause.addEventListener('click', () => {
  paused = !paused;
  pause.textContent = paused ? 'Resume' : 'Pause';
  host.post({ type: paused ? 'pause' : 'resume' });
});
host.post({ type: 'ready' });
