// Turns a catalog syntax line ("proxy_http_version 1.0 | 1.1 | 2;", "location [ = | ~ ] uri { ... }")
// into an LSP snippet: required words become placeholders, "a | b" alternatives a choice, optional
// "[...]" parts and "..." are left out, and a block gets an indented body.

/** Escapes text for a snippet placeholder or plain snippet text. */
export function escapeSnippet(text: string): string {
  return text.replace(/[\\$}]/g, '\\$&');
}

function escapeChoice(text: string): string {
  return text.replace(/[\\$}|,]/g, '\\$&');
}

/** Splits the arguments part of a syntax line into top-level words, keeping "[...]" groups whole. */
function words(rest: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of rest) {
    if (c === '[') depth++;
    if (c === ']') depth = Math.max(0, depth - 1);
    if (/\s/.test(c) && depth === 0) {
      if (cur) out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

/**
 * The snippet for a directive from its first syntax line. `block` adds " {\n\t$0\n}".
 */
export function directiveSnippet(name: string, syntax: string | undefined, block: boolean, args = 'any'): string {
  if (syntax === undefined) {
    if (block) return `${escapeSnippet(name)} {\n\t$0\n}`;
    return args === '0' ? `${escapeSnippet(name)};$0` : `${escapeSnippet(name)} $1;$0`;
  }
  let rest = (syntax ?? '').trim();
  if (rest.startsWith(name)) rest = rest.slice(name.length);
  rest = rest.replace(/;\s*$/, '').replace(/\{\s*\.\.\.\s*\}\s*$/, '').trim();
  const parts: string[] = [];
  let n = 1;
  const ws = words(rest);
  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    if (w.startsWith('[') || w === '...' || w === '|') continue;
    // Alternatives: "a | b | c" (the words around each "|").
    if (ws[i + 1] === '|') {
      const alts = [w];
      while (ws[i + 1] === '|' && ws[i + 2] !== undefined) {
        alts.push(ws[i + 2]!);
        i += 2;
      }
      const clean = alts.map((a) => a.replace(/\[[^\]]*\]/g, '')).filter((a) => a && !a.startsWith('['));
      if (clean.length) parts.push(`\${${n++}|${clean.map(escapeChoice).join(',')}|}`);
      continue;
    }
    const word = w.replace(/\[[^\]]*\]/g, '').replace(/\.\.\.$/, '');
    if (!word) continue;
    parts.push(`\${${n++}:${escapeSnippet(word)}}`);
  }
  const head = escapeSnippet(name) + (parts.length ? ' ' + parts.join(' ') : '');
  if (block) return `${head} {\n\t$0\n}`;
  return `${head};$0`;
}
