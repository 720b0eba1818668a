/**
 * One object type's records: a Map by id, a case-insensitive code index per scope (member or advertiser),
 * and a lazily sorted id list, so that a 100-row page out of 28,000 objects costs a scan, not a sort.
 */

export interface Identified {
  id: number;
  code?: unknown;
}

export class Collection<T extends Identified> {
  private readonly byId = new Map<number, T>();
  private readonly byCode = new Map<string, number>();
  private sorted: number[] | null = [];

  /** `scopeOf` names the scope in which codes are unique (ignoring case). */
  constructor(private readonly scopeOf: (record: T) => number | null | undefined) {}

  get size(): number {
    return this.byId.size;
  }

  get(id: number): T | undefined {
    return this.byId.get(id);
  }

  set(record: T): void {
    const previous = this.byId.get(record.id);
    if (previous) this.unindex(previous);
    else if (this.sorted) {
      const last = this.sorted[this.sorted.length - 1];
      if (last === undefined || record.id > last) this.sorted.push(record.id);
      else this.sorted = null;
    }
    this.byId.set(record.id, record);
    const key = this.codeKey(record);
    if (key !== null) this.byCode.set(key, record.id);
  }

  delete(id: number): boolean {
    const previous = this.byId.get(id);
    if (!previous) return false;
    this.unindex(previous);
    this.byId.delete(id);
    if (this.sorted) {
      const at = this.sorted.indexOf(id);
      if (at >= 0) this.sorted.splice(at, 1);
    }
    return true;
  }

  clear(): void {
    this.byId.clear();
    this.byCode.clear();
    this.sorted = [];
  }

  /** The record with this code in this scope, ignoring case. */
  findByCode(scope: number | null | undefined, code: string): T | undefined {
    const id = this.byCode.get(`${scope ?? ''}\u0000${code.toLowerCase()}`);
    return id === undefined ? undefined : this.byId.get(id);
  }

  /** All records, by id ascending. */
  *values(): IterableIterator<T> {
    if (!this.sorted) this.sorted = [...this.byId.keys()].sort((a, b) => a - b);
    for (const id of this.sorted) {
      const record = this.byId.get(id);
      if (record) yield record;
    }
  }

  maxId(): number {
    let max = 0;
    for (const id of this.byId.keys()) if (id > max) max = id;
    return max;
  }

  private codeKey(record: T): string | null {
    if (typeof record.code !== 'string' || record.code === '') return null;
    return `${this.scopeOf(record) ?? ''}\u0000${record.code.toLowerCase()}`;
  }

  private unindex(record: T): void {
    const key = this.codeKey(record);
    if (key !== null && this.byCode.get(key) === record.id) this.byCode.delete(key);
  }
}
