// nginx version strings ("1.25.3") compared numerically.

export type Version = [number, number, number];

export function parseVersion(v: string | undefined | null): Version | null {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec((v ?? '').trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

export function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** True when v lies in [since, until]: "until" is the last release that still had the thing. */
export function inRange(v: Version, since?: string, until?: string): boolean {
  const s = parseVersion(since);
  const u = parseVersion(until);
  if (s && compareVersions(v, s) < 0) return false;
  if (u && compareVersions(v, u) > 0) return false;
  return true;
}

export function formatVersion(v: Version): string {
  return v.join('.');
}
