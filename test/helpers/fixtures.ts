import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Bodies taken verbatim from Xandr's documentation (test/fixtures/xandr, copied from ../shared/xandr-fixtures). */
export const XANDR_FIXTURES = fileURLToPath(new URL('../fixtures/xandr/', import.meta.url));

export function xandrFixture(name: string): string {
  return readFileSync(`${XANDR_FIXTURES}${name}`, 'utf8');
}
