import * as assert from 'uvu/assert';

/** uvu has no async `rejects`: await the promise and check the error it rejected with. */
export async function rejects(promise: Promise<unknown>, check: RegExp | ((error: any) => boolean), message?: string): Promise<any> {
  let caught: unknown;
  let rejected = false;
  try {
    await promise;
  } catch (error) {
    caught = error;
    rejected = true;
  }
  assert.ok(rejected, message ?? 'expected the promise to reject');
  if (check instanceof RegExp) {
    assert.match(caught instanceof Error ? caught.message : String(caught), check, message);
  } else {
    assert.ok(check(caught), message ?? `rejected with an unexpected error: ${String(caught)}`);
  }
  return caught;
}
