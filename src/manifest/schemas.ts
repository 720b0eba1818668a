import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type AnySchemaObject, type ValidateFunction } from 'ajv';

/**
 * The JSON Schemas in schemas/ are the single description of the manifest format: editors read them through
 * the yaml-language-server modeline, and the loader validates with the very same files. They are compiled
 * once, when this module loads.
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
  'manifest.schema.json',
  'config.schema.json',
] as const;

export type SchemaFile = (typeof SCHEMA_FILES)[number];

function readSchema(name: SchemaFile): AnySchemaObject {
  return JSON.parse(readFileSync(`${SCHEMA_DIR}${name}`, 'utf8')) as AnySchemaObject;
}

/** An ajv with every schema added under its file name, so relative `$ref`s resolve as they do in editors. */
export function createSchemaAjv(): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    // `oneOf: [{required: [a]}, {required: [b]}]` names properties defined beside it, which strictRequired rejects.
    strictRequired: false,
    allowUnionTypes: true,
  });
  // VS Code's JSON language service shows this instead of "does not match pattern"; the loader does the same.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  for (const name of SCHEMA_FILES) ajv.addSchema(readSchema(name), name);
  return ajv;
}

const ajv = createSchemaAjv();

function compiled(name: SchemaFile): ValidateFunction {
  const validate = ajv.getSchema(name);
  if (!validate) throw new Error(`schema ${name} did not compile`);
  return validate;
}

export const validators = {
  Segment: compiled('segment.schema.json'),
  ConversionPixel: compiled('conversion-pixel.schema.json'),
  LineItemPixels: compiled('line-item-pixels.schema.json'),
  Config: compiled('config.schema.json'),
};

export type SchemaKind = keyof typeof validators;

function propertiesOf(schema: AnySchemaObject | undefined): string[] {
  const properties = schema?.properties as Record<string, unknown> | undefined;
  return properties ? Object.keys(properties) : [];
}

const kindSchemas: Record<SchemaKind, AnySchemaObject> = {
  Segment: ajv.getSchema('segment.schema.json')?.schema as AnySchemaObject,
  ConversionPixel: ajv.getSchema('conversion-pixel.schema.json')?.schema as AnySchemaObject,
  LineItemPixels: ajv.getSchema('line-item-pixels.schema.json')?.schema as AnySchemaObject,
  Config: ajv.getSchema('config.schema.json')?.schema as AnySchemaObject,
};

/** Field names of a kind's top level, metadata and spec, read from the schemas (for "did you mean" and hints). */
export function fieldsOf(kind: SchemaKind, part: 'document' | 'metadata' | 'spec'): string[] {
  const schema = kindSchemas[kind];
  if (part === 'document') return propertiesOf(schema);
  return propertiesOf((schema.properties as Record<string, AnySchemaObject>)[part]);
}
