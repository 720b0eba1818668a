/**
 * The change log's data: every write to a segment, pixel, line item or profile, API or control upsert, as
 * one transaction (change-log-services.md). Kept oldest first and bounded, so that a long-running sandbox,
 * whose state file is rewritten after every write, does not grow without end; Xandr keeps at least 6 months,
 * and a sync job only asks about recent changes.
 */
import type { ChangeLogTransaction } from './types.js';

export const MAX_CHANGE_LOG = 1_000;

export class ChangeLog {
  private transactions: ChangeLogTransaction[] = [];

  record(transaction: ChangeLogTransaction): void {
    this.transactions.push(transaction);
    if (this.transactions.length > MAX_CHANGE_LOG) this.transactions.splice(0, this.transactions.length - MAX_CHANGE_LOG);
  }

  /** Oldest first. The array is shared: read it, never change it. */
  all(): readonly ChangeLogTransaction[] {
    return this.transactions;
  }

  find(transactionId: string): ChangeLogTransaction | undefined {
    return this.transactions.find((t) => t.transaction_id === transactionId);
  }

  load(transactions: ChangeLogTransaction[]): void {
    this.transactions = transactions.slice(-MAX_CHANGE_LOG);
  }

  clear(): void {
    this.transactions = [];
  }
}
