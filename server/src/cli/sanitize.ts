// Neutralises terminal control sequences in text the CLI prints: config values and log lines are
// untrusted, and an ESC (or C1 CSI) reaching a terminal raw could clear the screen, move the
// cursor, rewrite earlier lines or set the window title. Control characters other than tab and
// newline are shown as \xNN instead. JSON and SARIF output need nothing: JSON escapes them.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function safeText(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
