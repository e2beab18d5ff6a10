// The tail view's page. Content-Security-Policy: nothing loads from anywhere; the one inline
// script and style carry a per-page nonce. Log text only ever reaches the page through
// postMessage and is put in with textContent, never as HTML, so a log line cannot inject markup.
// Links carry a line id only: the extension looks up the location it sent itself, so the page
// cannot make it open an arbitrary file.
import { pageStart } from '../webview-page';

export function tailHtml(nonce: string, cspSource: string): string {
  return `${pageStart('Nginx error log', nonce, cspSource)}
  body { padding: 0; margin: 0; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); color: var(--vscode-foreground); }
  header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 8px; align-items: center; padding: 6px 8px; background: var(--vscode-editor-background); border-bottom: 1px solid var(--vscode-panel-border); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
  button, select { font: inherit; color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 2px 8px; cursor: pointer; }
  select { color: var(--vscode-dropdown-foreground); background: var(--vscode-dropdown-background); border: 1px solid var(--vscode-dropdown-border); }
  .state { padding: 1px 6px; border-radius: 3px; border: 1px solid var(--vscode-panel-border); }
  .state.live { color: var(--vscode-testing-iconPassed, #3c3); }
  .state.failed { color: var(--vscode-errorForeground); }
  .state.reconnecting, .state.waiting, .state.connecting { color: var(--vscode-editorWarning-foreground); }
  #problems div { padding: 2px 8px; color: var(--vscode-errorForeground); font-family: var(--vscode-font-family); }
  #problems .fix { color: var(--vscode-descriptionForeground); }
  #held { color: var(--vscode-descriptionForeground); }
  #lines { padding: 4px 8px; }
  .line { white-space: pre-wrap; word-break: break-all; padding: 1px 0; border-bottom: 1px solid transparent; }
  .line .src { color: var(--vscode-descriptionForeground); margin-right: 6px; }
  .lv-emerg, .lv-alert, .lv-crit, .lv-error { color: var(--vscode-errorForeground); }
  .lv-warn { color: var(--vscode-editorWarning-foreground); }
  .lv-notice, .lv-info, .lv-debug, .kind-other { color: var(--vscode-descriptionForeground); }
  .line.failure { background: var(--vscode-inputValidation-errorBackground, rgba(255,0,0,0.08)); border-left: 3px solid var(--vscode-errorForeground); padding-left: 4px; }
  .detail { margin: 2px 0 4px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
  .detail a { color: var(--vscode-textLink-foreground); cursor: pointer; text-decoration: underline; }
  .detail button { margin-left: 8px; padding: 0 6px; }
  body[data-filter="failures"] .line:not(.failure) { display: none; }
  body[data-filter="5xx"] .line:not(.s5xx) { display: none; }
</style>
</head>
<body data-filter="all">
<header>
  <label>Show <select id="filter" aria-label="Filter">
    <option value="all">all lines</option>
    <option value="failures">upstream failures</option>
    <option value="5xx">5xx only</option>
  </select></label>
  <button id="pause" type="button">Pause</button>
  <button id="clear" type="button">Clear</button>
  <span id="held"></span>
  <span id="states"></span>
</header>
<div id="problems"></div>
<div id="lines" role="log" aria-live="polite"></div>
<script nonce="${nonce}">
(function () {
  const vscode = acquireVsCodeApi();
  const list = document.getElementById('lines');
  const states = document.getElementById('states');
  const problems = document.getElementById('problems');
  const held = document.getElementById('held');
  const pause = document.getElementById('pause');
  let max = 10000;
  let canExplain = false;
  let paused = false;
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function row(l) {
    const d = el('div', 'line kind-' + l.kind + (l.level ? ' lv-' + l.level : '') + (l.failure ? ' failure' : '') + (l.status >= 500 ? ' s5xx' : ''));
    d.dataset.id = String(l.id);
    d.appendChild(el('span', 'src', '[' + l.source + ']'));
    d.appendChild(el('span', 'text', l.text));
    if (l.failure) {
      const x = el('div', 'detail');
      x.appendChild(el('span', 'cause', (l.status === null ? '-' : String(l.status)) + ' ' + (l.cause || 'upstream failure')));
      if (l.location) {
        x.appendChild(document.createTextNode(' \\u2014 '));
        const a = el('a', 'loc', l.location);
        a.setAttribute('role', 'link');
        a.tabIndex = 0;
        a.addEventListener('click', function () { vscode.postMessage({ type: 'open', id: l.id, what: 'location' }); });
        a.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') vscode.postMessage({ type: 'open', id: l.id, what: 'location' }); });
        x.appendChild(a);
      } else if (l.server) {
        x.appendChild(document.createTextNode(' \\u2014 '));
        const a = el('a', 'srv', l.server);
        a.setAttribute('role', 'link');
        a.tabIndex = 0;
        a.addEventListener('click', function () { vscode.postMessage({ type: 'open', id: l.id, what: 'server' }); });
        x.appendChild(a);
      } else if (l.summary) {
        x.appendChild(el('span', 'summary', ' \\u2014 ' + l.summary));
      }
      if (canExplain) {
        const b = el('button', 'explain', 'Explain');
        b.type = 'button';
        b.addEventListener('click', function () { vscode.postMessage({ type: 'explain', id: l.id }); });
        x.appendChild(b);
      }
      d.appendChild(x);
    }
    return d;
  }
  function atBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 40;
  }
  function append(lines) {
    const stick = atBottom();
    const frag = document.createDocumentFragment();
    for (const l of lines) frag.appendChild(row(l));
    list.appendChild(frag);
    while (list.childElementCount > max) list.removeChild(list.firstElementChild);
    if (stick) window.scrollTo(0, document.body.scrollHeight);
  }
  function showStates(s) {
    states.textContent = '';
    problems.textContent = '';
    for (const st of s) {
      const chip = el('span', 'state ' + st.state, st.source + ': ' + st.state);
      if (st.message) chip.title = st.message;
      states.appendChild(chip);
      states.appendChild(document.createTextNode(' '));
      if (st.state === 'failed' || st.state === 'reconnecting' || st.state === 'waiting') {
        problems.appendChild(el('div', '', st.source + ': ' + (st.message || st.state) + (st.reason ? ' (' + st.reason + ')' : '')));
        if (st.fix) problems.appendChild(el('div', 'fix', st.fix));
      }
    }
  }
  document.getElementById('filter').addEventListener('change', function (ev) { document.body.dataset.filter = ev.target.value; });
  document.getElementById('clear').addEventListener('click', function () { list.textContent = ''; vscode.postMessage({ type: 'clear' }); });
  pause.addEventListener('click', function () {
    paused = !paused;
    pause.textContent = paused ? 'Resume' : 'Pause';
    vscode.postMessage({ type: paused ? 'pause' : 'resume' });
  });
  window.addEventListener('message', function (ev) {
    const m = ev.data;
    if (!m || typeof m !== 'object') return;
    if (m.type === 'init') {
      max = m.maxLines;
      canExplain = !!m.canExplain;
      list.textContent = '';
      append(m.lines);
      showStates(m.states);
    } else if (m.type === 'append') append(m.lines);
    else if (m.type === 'states') showStates(m.states);
    else if (m.type === 'held') held.textContent = m.count ? 'paused: ' + m.count + ' new line(s) held' : '';
  });
  vscode.postMessage({ type: 'ready' });
})();
</script>
</body>
</html>`;
}
