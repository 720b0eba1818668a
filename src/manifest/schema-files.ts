import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AnySchemaObject } from 'ajv';

/**
 * The JSON Schemas in schemas/ are the single description of the manifest format: editors read them through
 * the yaml-language-server modeline, and the loader validates with the very same files (compiled at build
 * time, see schema-ajv.ts).
 *
 * The path works from src/manifest/ (tsx, tests) and from dist/manifest/ (the published package, which ships
 * schemas/ next to dist/).
 */
export const SCHEMA_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export const SCHEMA_FILES = [
  'common.schema.json',
  'segment.schema.json',
  'conversion-pixel.schema.json',
  'line-item-pixels.schema.json',
  'line-item-segments.schema.json',
  'manifest.schema.json',
  'config.schema.json',
] as const;

export type SchemaFile = (typeof SCHEMA_FILES)[number];

/** The schema each kind's document is validated against. */
export const KIND_SCHEMAS = {
  Segment: 'segment.schema.json',
  ConversionPixel: 'conversion-pixel.schema.json',
  LineItemPixels: 'line-item-pixels.schema.json',
  LineItemSegments: 'line-item-segments.schema.json',
  Config: 'config.schema.json',
} as const satisfies Record<string, SchemaFile>;

export type SchemaKind = keyof typeof KIND_SCHEMAS;

export function readSchema(name: SchemaFile): AnySchemaObject {
  return JSON.parse(readFileSync(`${SCHEMA_DIR}${name}`, 'utf8')) as AnySchemaObject;
}

