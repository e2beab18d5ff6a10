// What every webview page (explain report, tail view, server checklist) is made of: the strict
// Content-Security-Policy (nothing loads from anywhere; the page's one style and its one script,
// dist/webview/<view>.js, carry a per-page nonce), and esc() for every text the host writes into
// the page. The page scripts are TypeScript in client/webview/, bundled by esbuild for the browser.

/** Text for HTML (element content and quoted attribute values). */
export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The head up to the opening <style> tag the caller fills. `title` must be escaped. */
export function pageStart(title: string, nonce: string, cspSource: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style nonce="${nonce}">`;
}

/** The page script (a webview URI) and the end of the page. */
export function pageEnd(nonce: string, scriptUri: string): string {
  return `<script nonce="${nonce}" src="${esc(scriptUri)}"></script>
</body>
</html>`;
}
