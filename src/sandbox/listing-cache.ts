/**
 * The listing query cache, owned by the request machinery (core), not by the store. The rows that match a listing's filters, kept while the store is unchanged. Every page of a listing
 * reports the total `count`, so without this each page scanned the whole collection: reading 80,000
 * segments in 800 pages was 64 million filter calls, and a plan's cost grew with the square of the member.
 */
export class ListingCache {
  private readonly entries = new Map<string, { version: number; rows: unknown[] }>();

  constructor(private readonly capacity = 64) {}

  rows<T>(key: string, version: number, match: () => T[]): T[] {
    const hit = this.entries.get(key);
    if (hit && hit.version === version) return hit.rows as T[];
    const rows = match();
    this.entries.delete(key);
    this.entries.set(key, { version, rows });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return rows;
  }

  clear(): void {
    this.entries.clear();
  }
}
