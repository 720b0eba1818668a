// Preloaded into the test run (package.json "test"): after every test has run, Object.prototype must
// hold exactly what it held before the first one. Hostile manifests (`__proto__` keys) and API bodies
// must never pollute it; a failure here fails the whole run.
'use strict';

const pristine = Object.getOwnPropertyNames(Object.prototype).sort().join(',');

process.on('exit', () => {
  const now = Object.getOwnPropertyNames(Object.prototype).sort().join(',');
  // eslint-disable-next-line no-proto
  if (now !== pristine || {}.polluted !== undefined) {
    console.error(`\nprototype pollution detected after the tests: Object.prototype now has ${now}`);
    process.exitCode = 1;
  }
});
