import type { Writable } from 'node:stream';
import type { Clock } from '../core/clock.js';

/**
 * Progress on stderr for long runs: a redrawn bar on a terminal, a plain line every few seconds
 * elsewhere (CI logs), nothing at all when disabled (machine formats).
 */
export class Progress {
  private lastLine = 0;
  private drawn = false;
  private readonly started: number;

  constructor(
    private readonly stream: Writable & { isTTY?: boolean; columns?: number },
    private readonly clock: Clock,
    private readonly enabled: boolean,
    private readonly intervalMs = 5000,
  ) {
    this.started = clock.now();
  }

  update(label: string, done: number, total: number | null, etaMs: number | null = null, detail = ''): void {
    if (!this.enabled) return;
    const now = this.clock.now();
    const eta = etaMs !== null && etaMs > 1000 ? ` · ETA ${formatEta(etaMs)}` : '';
    const counts = total !== null ? `${done}/${total}` : `${done}`;
    if (this.stream.isTTY) {
      if (now - this.lastLine < 100 && done !== total) return;
      this.lastLine = now;
      const width = 24;
      const bar = total ? `[${'#'.repeat(Math.round((done / Math.max(1, total)) * width)).padEnd(width, '-')}] ` : '';
      const line = `${label} ${bar}${counts}${detail ? ` · ${detail}` : ''}${eta}`;
      this.stream.write(`\r\u001b[2K${line.slice(0, (this.stream.columns ?? 100) - 1)}`);
      this.drawn = true;
    } else if (now - this.started >= this.intervalMs && now - this.lastLine >= this.intervalMs) {
      this.lastLine = now;
      this.stream.write(`${label}: ${counts}${detail ? `, ${detail}` : ''}${eta}\n`);
    }
  }

  /** Clears the bar so that what follows starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write('\r\u001b[2K');
    this.drawn = false;
  }
}

function formatEta(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}
