import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { compileSchemas, OUTPUT } from '../../scripts/compile-schemas.js';

test('the compiled validators are those of the schemas as they are now (run npm run build after editing schemas/)', () => {
  assert.ok(readFileSync(OUTPUT, 'utf8') === compileSchemas(), 'src/manifest/validators.generated.ts is stale: run npm run build');
});

test.run();
