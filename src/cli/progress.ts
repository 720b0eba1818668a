import type { Writable } from 'node:stream';
import type { Clock } from '../core/clock.js';
import type { ClientEvent } from '../xandr/index.js';

/** Nothing is said for a run that is over this quickly. */
const QUIET_FOR_MS = 2_000;
/** A terminal line is redrawn this often; elsewhere (CI logs) a plain line is written at least this often. */
const TTY_TICK_MS = 1_000;
const LOG_TICK_MS = 10_000;

/**
 * What a long run is doing, on stderr (never stdout, so `--format json` stays one document): reads done of
 * expected per service, writes done of planned, and while nothing can be sent, what it waits for and for
 * how long. One updating line on a terminal; a plain line at least every 10 s elsewhere; nothing for the
 * first 2 s, and nothing at all when disabled (`--quiet`). Time comes from the clock port, so tests drive
 * it with a fake clock.
 */
export class Progress {
  private readonly started: number;
  private readonly reads = new Map<string, { done: number; expected: number }>();
  private writes: { done: number; total: number; failed: number } | null = null;
  private waiting: { reason: string; untilMs: number } | null = null;
  private label = 'Reading Xandr';
  private drawn = false;
  private readonly stopping = new AbortController();
  private ticking = false;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean; columns?: number },
    private readonly clock: Clock,
    private readonly enabled: boolean,
  ) {
    this.started = clock.now();
  }

  /** The ticker starts with the first thing to report, so a command that fails early leaves no timer behind. */
  private start(): void {
    if (this.ticking || !this.enabled || this.stopping.signal.aborted) return;
    this.ticking = true;
    void this.tick();
  }

  /** Feed it the client's events (connection.ts passes them on). */
  observe(event: ClientEvent): void {
    if (!this.enabled) return;
    this.start();
    if (event.type === 'expect') this.entry(event.service).expected += event.reads;
    else if (event.type === 'request' && event.method === 'GET') {
      const entry = this.entry(event.service);
      entry.done++;
      if (entry.done > entry.expected) entry.expected = entry.done;
      if (this.waiting && this.clock.now() >= this.waiting.untilMs) this.waiting = null;
    } else if (event.type === 'wait') this.waiting = { reason: event.reason, untilMs: event.untilMs };
    else if (event.type === 'retry' && /timeout|timed out/i.test(event.reason)) {
      // A timeout that fires is said at once, with its retry: 30 s of silence then a retry looks like a hang.
      this.line(`${event.method} /${event.service} timed out (${event.reason}); retrying in ${seconds(event.delayMs)}`);
    }
  }

  phase(label: string): void {
    this.label = label;
  }

  applied(done: number, total: number, failed: number): void {
    this.start();
    this.writes = { done, total, failed };
    if (this.waiting && this.clock.now() >= this.waiting.untilMs) this.waiting = null;
  }

  /** Stops the ticker and clears the line, so that what follows starts clean. */
  done(): void {
    this.stopping.abort();
    if (this.drawn) this.stream.write('\r\u001b[2K');
    this.drawn = false;
  }

  private entry(service: string): { done: number; expected: number } {
    let entry = this.reads.get(service);
    if (!entry) this.reads.set(service, (entry = { done: 0, expected: 0 }));
    return entry;
  }

  private async tick(): Promise<void> {
    const tty = this.stream.isTTY === true;
    try {
      await this.clock.sleep(QUIET_FOR_MS, this.stopping.signal);
      for (;;) {
        this.render(tty);
        await this.clock.sleep(tty ? TTY_TICK_MS : LOG_TICK_MS, this.stopping.signal);
      }
    } catch {
      // stopped
    }
  }

  private render(tty: boolean): void {
    const text = this.describe();
    if (tty) {
      this.stream.write(`\r\u001b[2K${text.slice(0, (this.stream.columns ?? 100) - 1)}`);
      this.drawn = true;
    } else {
      this.stream.write(`${text}\n`);
    }
  }

  private line(text: string): void {
    if (this.clock.now() - this.started < QUIET_FOR_MS && !this.stopping.signal.aborted) return;
    if (this.drawn) this.stream.write('\r\u001b[2K');
    this.drawn = false;
    this.stream.write(`${text}\n`);
  }

  private describe(): string {
    const parts: string[] = [];
    const reads = [...this.reads].map(([service, r]) => `${service} ${r.done}/${r.expected}`);
    if (this.writes) parts.push(`${this.label}: ${this.writes.done}/${this.writes.total} writes${this.writes.failed ? `, ${this.writes.failed} failed` : ''}`);
    else parts.push(`${this.label}: ${reads.length ? reads.join(', ') : 'connecting'}`);
    const now = this.clock.now();
    if (this.waiting && this.waiting.untilMs > now) {
      const what = this.waiting.reason === 'login limit' ? "for Xandr's login limit (10 logins per 5 minutes)" : `for the ${this.waiting.reason}`;
      parts.push(`waiting ${seconds(this.waiting.untilMs - now)} ${what}`);
    }
    parts.push(`${seconds(now - this.started)} so far`);
    return parts.join(' · ');
  }
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 90 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
