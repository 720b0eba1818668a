/**
 * Field readers shared by the services. Each one validates a single field of a request object and returns
 * its canonical value, or throws the SYNTAX error Xandr would give, naming the field. Xandr is loose about
 * types (ids and money arrive as numbers or numeric strings), so the readers are too.
 */
import { ApiError } from './api-error.js';
import type { JsonObject } from './types.js';

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function has(object: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Unknown fields are refused, naming the field, so that a typo never silently does nothing. */
export function rejectUnknownFields(
  object: JsonObject,
  writable: ReadonlySet<string>,
  readOnly: ReadonlySet<string>,
  what: string,
): void {
  for (const key of Object.keys(object)) {
    if (!writable.has(key) && !readOnly.has(key)) throw ApiError.syntax(`field '${key}' is not a valid ${what} field`);
  }
}

/** An integer from a number or a numeric string; undefined when it is neither. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** A number from a number or a numeric string ("30.000000"). */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^-?(\d+\.?\d*|\.\d+)$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

/** A positive id, from a number or a numeric string. */
export function readId(value: unknown, field: string): number {
  const id = toInteger(value);
  if (id === undefined || id <= 0) throw ApiError.syntax(`'${field}' must be a positive integer id (got ${show(value)})`);
  return id;
}

export function readNullableId(object: JsonObject, key: string): number | null {
  const value = object[key];
  return value === null ? null : readId(value, key);
}

interface NumberRule {
  min?: number;
  max?: number;
  nullable?: boolean;
  /** The object the field is in, for the error text. */
  where?: string;
}

interface StringRule {
  max?: number;
  nullable?: boolean;
  /** Empty strings allowed; default false. */
  empty?: boolean;
  pattern?: RegExp;
  patternText?: string;
}

export function readString(object: JsonObject, key: string, rule: StringRule = {}): string | null {
  const value = object[key];
  if (value === null && rule.nullable) return null;
  if (typeof value !== 'string') throw ApiError.syntax(`'${key}' must be a string${rule.nullable ? ' or null' : ''} (got ${show(value)})`);
  if (!rule.empty && value.trim() === '') throw ApiError.syntax(`'${key}' must not be empty`);
  if (rule.max !== undefined && value.length > rule.max) {
    throw ApiError.syntax(`'${key}' is too long: ${value.length} characters, the maximum is ${rule.max}`);
  }
  if (rule.pattern && !rule.pattern.test(value)) throw ApiError.syntax(`'${key}' ${rule.patternText ?? 'has an invalid format'} (got ${show(value)})`);
  return value;
}

/** `where` names the object the field is in (e.g. "segment_targets[2]"), for the error text. */
export function readEnum<T extends string>(object: JsonObject, key: string, allowed: readonly T[], nullable = false, where?: string): T | null {
  const value = object[key];
  if (value === null && nullable) return null;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw ApiError.syntax(`'${where ? `${where}.` : ''}${key}' must be one of ${allowed.join(', ')}${nullable ? ' or null' : ''} (got ${show(value)})`);
}

export function readInteger(object: JsonObject, key: string, rule: NumberRule = {}): number | null {
  const value = object[key];
  if (value === null && rule.nullable) return null;
  const n = toInteger(value);
  const name = rule.where ? `${rule.where}.${key}` : key;
  if (n === undefined) throw ApiError.syntax(`'${name}' must be an integer${rule.nullable ? ' or null' : ''} (got ${show(value)})`);
  checkRange(name, n, rule);
  return n;
}

/** money and double fields: numbers or numeric strings. */
export function readNumber(object: JsonObject, key: string, rule: NumberRule = {}): number | null {
  const value = object[key];
  if (value === null && rule.nullable) return null;
  const n = toNumber(value);
  if (n === undefined) throw ApiError.syntax(`'${key}' must be a number${rule.nullable ? ' or null' : ''} (got ${show(value)})`);
  checkRange(key, n, rule);
  return n;
}

function checkRange(key: string, n: number, rule: NumberRule): void {
  if (rule.min !== undefined && n < rule.min) throw ApiError.syntax(`'${key}' must be at least ${rule.min} (got ${n})`);
  if (rule.max !== undefined && n > rule.max) throw ApiError.syntax(`'${key}' must be at most ${rule.max} (got ${n})`);
}

export function readBoolean(object: JsonObject, key: string, nullable = false): boolean | null {
  const value = object[key];
  if (value === null && nullable) return null;
  if (typeof value === 'boolean') return value;
  throw ApiError.syntax(`'${key}' must be true or false (got ${show(value)})`);
}

export interface PiggybackPixel {
  url: string;
  pixel_type: 'js' | 'img';
}

/** `piggyback_pixels` of segments and pixels: null or `[{url, pixel_type}]`. */
export function readPiggybackPixels(object: JsonObject, key: string): PiggybackPixel[] | null {
  const value = object[key];
  if (value === null) return null;
  if (!Array.isArray(value)) throw ApiError.syntax(`'${key}' must be an array or null`);
  return value.map((element, index) => {
    const where = `${key}[${index}]`;
    if (!isObject(element)) throw ApiError.syntax(`'${where}' must be an object with url and pixel_type`);
    for (const field of Object.keys(element)) {
      if (field !== 'url' && field !== 'pixel_type') throw ApiError.syntax(`field '${field}' is not valid in '${where}'`);
    }
    if (!has(element, 'url')) throw ApiError.syntax(`'${where}.url' is required`);
    if (!has(element, 'pixel_type')) throw ApiError.syntax(`'${where}.pixel_type' is required`);
    const url = readString(element, 'url', { max: 255 }) as string;
    const pixelType = readEnum(element, 'pixel_type', ['js', 'img'] as const) as 'js' | 'img';
    return { url, pixel_type: pixelType };
  });
}

/**
 * A timestamp in a query string, as Xandr's filters take it: `YYYY-MM-DD+HH:MM:SS` (api-semantics.md "Filter
 * by min and max values"), with `+`, a space (a decoded `+` or `%20`) or `T` between date and time, or a date
 * alone (midnight), as the change log's `min_timestamp` is documented. The canonical "YYYY-MM-DD HH:MM:SS",
 * which compares correctly as a string; SYNTAX naming the parameter otherwise.
 */
export function readQueryTimestamp(text: string, key: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[ +T](\d{2}):(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (match) {
    const [y, mo, d, h = 0, mi = 0, s = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part))) as number[];
    const ms = Date.UTC(y!, mo! - 1, d!, h, mi, s);
    const back = new Date(ms);
    const valid =
      back.getUTCFullYear() === y && back.getUTCMonth() === mo! - 1 && back.getUTCDate() === d && back.getUTCHours() === h &&
      back.getUTCMinutes() === mi && back.getUTCSeconds() === s;
    if (valid) return formatTimestamp(ms);
  }
  throw ApiError.syntax(`'${key}' must be a timestamp YYYY-MM-DD+HH:MM:SS (got ${show(text)})`);
}

/** Xandr's timestamp format, UTC: "YYYY-MM-DD HH:MM:SS". */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Money as Xandr prints it in line-item pixels: "30.000000". */
export function formatMoney(value: unknown): string | null {
  const n = toNumber(value);
  return n === undefined ? null : n.toFixed(6);
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
