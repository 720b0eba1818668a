import { ProductError } from '../core/product-error.js';

export const SYNC_ERROR_CODES = ['LISTEN', 'WEBHOOK'] as const;
type SyncErrorCode = (typeof SYNC_ERROR_CODES)[number];

/** `--listen` names no usable address, or the address cannot be bound. */
export class ListenError extends ProductError<SyncErrorCode> {
  readonly code = 'LISTEN';
}

/** A notification was not delivered (the job logs it and carries on). */
export class WebhookError extends ProductError<SyncErrorCode> {
  readonly code = 'WEBHOOK';
}
