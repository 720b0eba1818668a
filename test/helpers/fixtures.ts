import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Bodies taken verbatim from Xandr's documentation (../shared/xandr-fixtures). */
export const XANDR_FIXTURES = fileURLToPath(new URL('../../../shared/xandr-fixtures/', import.meta.url));

export function xandrFixture(name: string): string {
  return readFileSync(`${XANDR_FIXTURES}${name}`, 'utf8');
}
