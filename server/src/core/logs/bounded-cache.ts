// A cache bounded in entries that never falls off a cliff: entries go into a young map; when it
// is full it becomes the old map (the previous old one is dropped) and a new young map starts. A
// hit in the old map moves the entry back into the young one, so what is used keeps living and
// at most 2 x `size` entries are held. (A map that is cleared when full forgets its hot entries
// at once, which made big logs with many places re-link most lines.)
export class BoundedCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  constructor(private readonly size: number) {}

  get(key: K): V | undefined {
    const v = this.young.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) {
      this.old.delete(key);
      this.set(key, o);
    }
    return o;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.size) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }

  clear(): void {
    this.young.clear();
    this.old.clear();
  }
}
