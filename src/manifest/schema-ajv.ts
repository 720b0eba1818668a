import { Ajv, type Options } from 'ajv';
import { readSchema, SCHEMA_FILES } from './schema-files.js';

/**
 * The ajv that compiles schemas/. scripts/compile-schemas.ts runs it at build time and writes the compiled
 * validators to validators.generated.ts, so the CLI neither loads ajv nor compiles anything when it starts
 * (~150 ms saved on every run); tests use it to check the schemas themselves. Every schema is added under
 * its file name, so relative `$ref`s resolve as they do in editors.
 */
export function createSchemaAjv(extra: Options = {}): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    strict: true,
    // `oneOf: [{required: [a]}, {required: [b]}]` names properties defined beside it, which strictRequired rejects.
    strictRequired: false,
    allowUnionTypes: true,
    ...extra,
  });
  // VS Code's JSON language service shows this instead of "does not match pattern"; the loader does the same.
  ajv.addKeyword({ keyword: 'patternErrorMessage', schemaType: 'string' });
  for (const name of SCHEMA_FILES) ajv.addSchema(readSchema(name), name);
  return ajv;
}
