import { ProductError } from '../core/product-error.js';
import type { Holder } from '../core/lock-file.js';

export const APPLY_ERROR_CODES = ['GUARD', 'LOCKED', 'SAVED_PLAN'] as const;
type ApplyErrorCode = (typeof APPLY_ERROR_CODES)[number];

/** A guard would stop this plan: nothing has been written. */
export class GuardError extends ProductError<ApplyErrorCode> {
  readonly code = 'GUARD';
  constructor(readonly violations: string[]) {
    super(`guard: ${violations.join('; ')}. Nothing was written to Xandr.`);
  }
}

/** Who holds a target's apply lock: enough for a person to find the process. */
export interface LockHolder extends Holder {
  command: string;
  target: string;
}

/** Another apply to the same target holds its lock. */
export class LockError extends ProductError<ApplyErrorCode> {
  readonly code = 'LOCKED';
  constructor(
    message: string,
    readonly holder: LockHolder | null,
    readonly file: string,
  ) {
    super(message);
  }
}

/** A saved plan that cannot be applied: unreadable, malformed, made elsewhere, or not what the manifests plan. */
export class SavedPlanError extends ProductError<ApplyErrorCode> {
  readonly code = 'SAVED_PLAN';
}
