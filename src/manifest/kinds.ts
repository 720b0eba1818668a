import type { Kind } from './types.js';

export const API_VERSION = 'xandr-sync/v1';
export const KINDS: readonly Kind[] = ['Segment', 'ConversionPixel', 'LineItemPixels', 'LineItemSegments'];
export const NAME_PATTERN = /^[A-Za-z0-9._-]{1,50}$/;

export const isKind = (value: unknown): value is Kind => typeof value === 'string' && (KINDS as readonly string[]).includes(value);

export type JsonObject = { [key: string]: unknown };

export const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
