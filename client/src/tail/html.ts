// The tail view's page: a fixed frame; its script (client/webview/tail.ts) fills it from the
// messages the extension posts. Log text only ever reaches the page through postMessage and is
// put in with textContent, never as HTML, so a log line cannot inject markup. Links carry a line
// id only: the extension looks up the location it sent itself, so the page cannot make it open
// an arbitrary file.

/** The page's parts; Ctx.pageHtml adds the CSP and the script. */
export function tailPage(): { title: string; style: string; body: string; bodyAttributes: string } {
  return {
    title: 'Nginx error log',
    bodyAttributes: 'data-filter="all"',
    style: `
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
  /* wrapped at word boundaries (a token longer than the line still breaks) */
  .line { white-space: pre-wrap; overflow-wrap: break-word; word-break: normal; padding: 1px 0 1px 7px; border-left: 3px solid transparent; }
  .line .src { color: var(--vscode-descriptionForeground); margin-right: 6px; }
  /* one source: its name is in the header already */
  body.one-source .line .src { display: none; }
  /* the level is told by a dim or coloured edge, the text keeps the theme's colour */
  .lv-emerg, .lv-alert, .lv-crit, .lv-error { border-left-color: color-mix(in srgb, var(--vscode-editorError-foreground) 45%, transparent); }
  .lv-warn { border-left-color: color-mix(in srgb, var(--vscode-editorWarning-foreground) 45%, transparent); }
  .line .host { display: none; }
  body.hosts .line .host { display: inline-block; min-width: 10ch; margin-right: 6px; font-weight: bold; color: var(--vscode-textPreformat-foreground, var(--vscode-foreground)); }
  .detail .differs { color: var(--vscode-editorWarning-foreground); }
  .lv-notice, .lv-info, .lv-debug, .kind-other { color: var(--vscode-descriptionForeground); }
  /* a 502/504 (an upstream failure): a subtle tint of the theme's error (504: warning) colour and its full edge, like Error Lens */
  .line.failure { margin: 3px 0; color: var(--vscode-foreground); background: color-mix(in srgb, var(--vscode-editorError-foreground) 9%, transparent); border-left-color: var(--vscode-editorError-foreground); }
  .line.failure.s504 { background: color-mix(in srgb, var(--vscode-editorWarning-foreground) 9%, transparent); border-left-color: var(--vscode-editorWarning-foreground); }
  .detail { margin: 2px 0 4px 16px; color: var(--vscode-foreground); font-family: var(--vscode-font-family); }
  .detail .cause { font-weight: 600; }
  .detail a { color: var(--vscode-textLink-foreground); cursor: pointer; text-decoration: underline; }
  .detail button { margin-left: 8px; padding: 0 6px; }
  .line.kind-gap { color: var(--vscode-editorWarning-foreground); border-left-color: var(--vscode-editorWarning-foreground); font-family: var(--vscode-font-family); }
  body[data-filter="failures"] .line:not(.failure):not(.kind-gap) { display: none; }
  body[data-filter="5xx"] .line:not(.s5xx):not(.kind-gap) { display: none; }
`,
    body: `<header>
  <label>Show <select id="filter" aria-label="Filter">
    <option value="all">all lines</option>
    <option value="failures">upstream failures</option>
    <option value="5xx">5xx only</option>
  </select></label>
  <label id="host-label" hidden>Host <select id="host" aria-label="Host">
    <option value="">all hosts</option>
  </select></label>
  <button id="pause" type="button">Pause</button>
  <button id="clear" type="button">Clear</button>
  <span id="held"></span>
  <span id="states"></span>
</header>
<div id="problems"></div>
<div id="lines" role="log" aria-live="polite"></div>`,
  };
}
