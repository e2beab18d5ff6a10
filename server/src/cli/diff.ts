// A small unified diff for `nginx-doctor fix --dry-run` (line based, LCS; whole-file hunk for huge inputs).

export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  const ops = diffLines(a, b);
  const out = [`--- ${path}`, `+++ ${path}`];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.op === ' ') { i++; continue; }
    let start = Math.max(0, i - context);
    let end = i;
    while (end < ops.length) {
      if (ops[end]!.op !== ' ') { end++; continue; }
      let run = 0;
      while (end + run < ops.length && ops[end + run]!.op === ' ') run++;
      if (run > 2 * context || end + run >= ops.length) { end = Math.min(ops.length, end + context); break; }
      end += run;
    }
    const hunk = ops.slice(start, end);
    const aStart = hunk[0]!.ai + 1;
    const bStart = hunk[0]!.bi + 1;
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    out.push(`@@ -${aStart},${aLen} +${bStart},${bLen} @@`, ...hunk.map((o) => o.op + o.text));
    i = end;
    start = end;
  }
  return out.join('\n') + '\n';
}

interface Op {
  op: ' ' | '-' | '+';
  text: string;
  ai: number;
  bi: number;
}

function diffLines(a: string[], b: string[]): Op[] {
  if (a.length * b.length > 4_000_000) {
    return [...a.map((t, i) => ({ op: '-' as const, text: t, ai: i, bi: 0 })), ...b.map((t, i) => ({ op: '+' as const, text: t, ai: a.length, bi: i }))];
  }
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: ' ', text: a[i]!, ai: i++, bi: j++ });
    else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ op: '-', text: a[i]!, ai: i++, bi: j });
    else ops.push({ op: '+', text: b[j]!, ai: i, bi: j++ });
  }
  return ops;
}
