// Streams a file (or stdin) line by line without loading it whole: lines are split on "\n" at the
// byte level, decoded as UTF-8 (invalid bytes become U+FFFD, never an error) and handed to a
// synchronous callback chunk by chunk, so a multi-gigabyte log is read in constant memory.
// Over-long lines are cut at maxLine bytes (the rest of that line is skipped).

export interface LineSink {
  (text: string, bytes: number): void;
}

export async function forEachLine(stream: AsyncIterable<Buffer | string>, sink: LineSink, afterChunk?: () => Promise<void> | void, maxLine = 1 << 20): Promise<number> {
  let carry: Buffer[] = [];
  let carryLen = 0;
  let skipping = false;
  let total = 0;
  const emit = (buf: Buffer): void => {
    let b = buf;
    if (b.length && b[b.length - 1] === 0x0d) b = b.subarray(0, b.length - 1);
    total++;
    sink(b.toString('utf8'), b.length);
  };
  for await (const raw of stream) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : raw;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      const piece = chunk.subarray(start, nl);
      if (skipping) {
        skipping = false;
      } else if (carryLen) {
        const room = Math.max(0, maxLine - carryLen);
        carry.push(piece.subarray(0, room));
        emit(Buffer.concat(carry));
        carry = [];
        carryLen = 0;
      } else emit(piece.length > maxLine ? piece.subarray(0, maxLine) : piece);
      start = nl + 1;
    }
    if (start < chunk.length && !skipping) {
      const rest = chunk.subarray(start);
      const room = maxLine - carryLen;
      if (rest.length >= room) {
        carry.push(Buffer.from(rest.subarray(0, room)));
        emit(Buffer.concat(carry));
        carry = [];
        carryLen = 0;
        skipping = true;
      } else {
        carry.push(Buffer.from(rest));
        carryLen += rest.length;
      }
    }
    if (afterChunk) await afterChunk();
  }
  if (carryLen && !skipping) emit(Buffer.concat(carry));
  return total;
}
