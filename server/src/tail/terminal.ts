// Log content is attacker-influenced (request lines, headers, upstream text): before it reaches a
// terminal, every control character (ESC, CSI, BEL, backspace, carriage return ...) and every
// bidirectional override is shown as a visible escape, so a log line cannot move the cursor,
// recolour, retitle or hide text. Tabs stay.

const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

export function neutralise(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** JSON.stringify leaves U+007F-U+009F (C1 controls, which some terminals obey) and bidi controls raw: escape them too. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
