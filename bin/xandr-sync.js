#!/usr/bin/env node
// dist/ is the build (`npm run build`, which npm runs as `prepare` when it packs or installs from git). An
// install from a git URL that skipped scripts (`npm ci --ignore-scripts`) has none: say that, and what to do,
// instead of printing a module-not-found stack.
let main;
try {
  ({ main } = await import('../dist/cli/main.js'));
} catch (error) {
  const missing = new URL('../dist/cli/main.js', import.meta.url);
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || error.url !== missing.href) throw error;
  const home = decodeURIComponent(new URL('..', import.meta.url).pathname).replace(/\/$/, '');
  process.stderr.write(
    `error: xandr-sync in ${home} is not built (dist/cli/main.js is missing). An install from git that skipped ` +
      "scripts (npm --ignore-scripts) leaves it so: install a tarball made with 'npm pack' instead, or run " +
      "'npm run build' in a clone.\n",
  );
  process.exit(1);
}

process.exitCode = await main(process.argv.slice(2));
