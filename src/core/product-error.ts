/**
 * The base of every error xandr-sync raises on purpose. Each module lists its codes in one typed catalogue
 * (`XANDR_ERROR_CODES` in xandr/xandr-errors.ts, `GIT_ERROR_CODES`, ...), and the CLI's one error formatter
 * (cli/describe-error.ts) knows them all: an error that is not a ProductError with a catalogued code is, by
 * definition, a bug, and is reported as one.
 *
 * Errors hold data only (a message, a hint, facts); colour and layout are added by the renderer.
 */

/**
 * A brand rather than `instanceof` alone: a module loaded twice (tsx in tests next to dist/, two copies of
 * the package) has two class objects, and its errors must still be recognised.
 */
const BRAND = Symbol.for('xandr-sync.product-error');

interface ErrorOptions {
  cause?: unknown;
  /** What the person should do about it, printed after the message. */
  hint?: string;
}

export abstract class ProductError<C extends string = string> extends Error {
  abstract readonly code: C;
  readonly hint?: string;

  constructor(message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.hint !== undefined) this.hint = options.hint;
  }

  static {
    Object.defineProperty(this.prototype, BRAND, { value: true });
  }
}

export function isProductError(error: unknown): error is ProductError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true && typeof (error as ProductError).code === 'string';
}

/** The `code` of a product error, or undefined for anything else (a TypeError, Node's EACCES, a string). */
export function productErrorCode(error: unknown): string | undefined {
  return isProductError(error) ? error.code : undefined;
}
