/** The request log and counters that tests read to count calls. Control requests are never logged. */
import type { FaultKind, RequestLogEntry, SandboxStats } from './types.js';

/** Oldest entries are dropped beyond this, so a long-running sandbox does not grow without bound. */
const MAX_LOG_ENTRIES = 10_000;

export class RequestLog {
  private entries: RequestLogEntry[] = [];
  private seq = 0;
  private counters: SandboxStats = emptyStats();

  start(entry: Omit<RequestLogEntry, 'seq' | 'status' | 'processed'>): RequestLogEntry {
    const full: RequestLogEntry = { seq: ++this.seq, ...entry, status: null, processed: false };
    this.entries.push(full);
    if (this.entries.length > MAX_LOG_ENTRIES) this.entries.splice(0, this.entries.length - MAX_LOG_ENTRIES);
    return full;
  }

  list(sinceSeq = 0): RequestLogEntry[] {
    return structuredClone(this.entries.filter((e) => e.seq > sinceSeq));
  }

  clear(): void {
    this.entries = [];
  }

  count(what: 'reads' | 'writes' | 'logins' | 'throttled' | 'concurrency' | 'dropped'): void {
    this.counters[what]++;
  }

  sent(entry: RequestLogEntry, status: number, errorId?: string, errorCode?: string | null): void {
    entry.status = status;
    if (errorId) entry.error_id = errorId;
    if (errorCode) entry.error_code = errorCode;
    this.counters.byStatus[String(status)] = (this.counters.byStatus[String(status)] ?? 0) + 1;
    if (status === 429) this.counters.throttled++;
  }

  fault(entry: RequestLogEntry, fault: FaultKind): void {
    entry.fault = fault;
    if (fault === 'reset' || fault === 'lose') this.counters.dropped++;
    if (fault === 'concurrency') this.counters.concurrency++;
  }

  stats(): SandboxStats {
    return structuredClone(this.counters);
  }

  /** Clears entries and counters; sequence numbers keep rising so that `since` stays meaningful. */
  reset(): void {
    this.entries = [];
    this.counters = emptyStats();
  }
}

function emptyStats(): SandboxStats {
  return { reads: 0, writes: 0, logins: 0, throttled: 0, concurrency: 0, dropped: 0, byStatus: {} };
}
