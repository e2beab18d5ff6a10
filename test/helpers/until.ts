// Polls an asynchronous condition (an HTTP query, say) every 500 ms until it holds; fails after
// ms with `what` and the detail. A bound on waiting, not a measurement.
export async function until(probe: () => Promise<boolean>, what: string, ms: number, detail?: () => string): Promise<void> {
  const end = Date.now() + ms;
  let error: unknown = null;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (e) {
      error = e;
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${error ? ` (last error: ${error instanceof Error ? error.message : String(error)})` : ''}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
