import { ProductError } from '../core/product-error.js';

export const READ_ERROR_CODES = ['TARGET_MISMATCH', 'IMPORT_SCOPE'] as const;
type ReadErrorCode = (typeof READ_ERROR_CODES)[number];

/** The credentials belong to another member than xandr-sync.yaml names: a configuration error, not a bug. */
export class TargetMismatchError extends ProductError<ReadErrorCode> {
  readonly code = 'TARGET_MISMATCH';
}

/** The scope of an import names something that is not there (an advertiser of another member, a typo). */
export class ImportScopeError extends ProductError<ReadErrorCode> {
  readonly code = 'IMPORT_SCOPE';
}
