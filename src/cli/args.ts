import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../manifest/suggest.js';
import { UsageError } from './cli-errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Option tables for parseCommandArgs, grouped by type: `...valueFlags('format', 'out')` is
 * `{ format: { type: 'string' }, out: { type: 'string' } }`, and parseArgs still types `values` by name.
 */
export function valueFlags<K extends string>(...names: K[]): { [N in K]: { type: 'string' } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'string' }])) as { [N in K]: { type: 'string' } };
}

/** `...switchFlags('once', 'full')`: flags that take no value. */
export function switchFlags<K extends string>(...names: K[]): { [N in K]: { type: 'boolean' } } {
  return Object.fromEntries(names.map((name) => [name, { type: 'boolean' }])) as { [N in K]: { type: 'boolean' } };
}

/**
 * node:util parseArgs, with its errors turned into UsageError so that a typo in a flag gets the usage
 * hint and exit 1 rather than a stack trace.
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/\. To specify a positional argument.*$/s, '');
    const unknown = /^Unknown option '--([^'=]+)'/.exec(message);
    const hint = unknown ? didYouMean(unknown[1]!, Object.keys(options)).replace(/'([^']+)'/, "'--$1'") : '';
    throw new UsageError(`${message}${hint}`);
  }
}

/** A flag value that must be one of a fixed set. */
export function oneOf<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${flag} must be one of ${allowed.join(', ')} (got '${value}')`);
}

/** A flag value that must be a whole number within bounds. */
export function integer(flag: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new UsageError(`--${flag} must be a whole number (got '${value}')`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`--${flag} must be between ${min} and ${max} (got ${n})`);
  return n;
}
