#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` via `prepare`).
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('nixharden: not built yet; run `npm ci` (or `npm run build`) in the checkout\n');
    process.exit(2);
  }
  throw err;
}
process.exitCode = await cli.main(process.argv).catch(cli.reportError);
