import type { AnySchemaObject, ValidateFunction } from 'ajv';
import { KIND_SCHEMAS, readSchema, type SchemaKind } from './schema-files.js';
import * as generated from './validators.generated.js';

export { SCHEMA_DIR, SCHEMA_FILES, type SchemaFile, type SchemaKind } from './schema-files.js';

/** The compiled validators, one per kind (built from schemas/ by scripts/compile-schemas.ts). */
export const validators: Record<SchemaKind, ValidateFunction> = {
  Segment: generated.Segment as ValidateFunction,
  ConversionPixel: generated.ConversionPixel as ValidateFunction,
  LineItemPixels: generated.LineItemPixels as ValidateFunction,
  LineItemSegments: generated.LineItemSegments as ValidateFunction,
  Config: generated.Config as ValidateFunction,
};

function propertiesOf(schema: AnySchemaObject | undefined): string[] {
  const properties = schema?.properties as Record<string, unknown> | undefined;
  return properties ? Object.keys(properties) : [];
}

const kindSchemas = new Map<SchemaKind, AnySchemaObject>();

/** Field names of a kind's top level, metadata and spec, read from the schemas (for "did you mean" and hints). */
export function fieldsOf(kind: SchemaKind, part: 'document' | 'metadata' | 'spec'): string[] {
  let schema = kindSchemas.get(kind);
  if (!schema) {
    schema = readSchema(KIND_SCHEMAS[kind]);
    kindSchemas.set(kind, schema);
  }
  if (part === 'document') return propertiesOf(schema);
  return propertiesOf((schema.properties as Record<string, AnySchemaObject>)[part]);
}
