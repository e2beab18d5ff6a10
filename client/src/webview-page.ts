// The start of every webview page (explain report, tail view, server checklist): the strict
// Content-Security-Policy (nothing loads from anywhere; the page's one inline script and style
// carry a per-page nonce), then the opening <style> tag the caller fills. `title` must be escaped.
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
