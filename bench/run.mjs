#!/usr/bin/env node
// `npm run bench [-- SUITE] [-- ARGS…]`: runs the benchmark suites, each of which
// times nixharden against a real baseline (Nix or git) in the same run.
//   npm run bench                 all suites on generated inputs
//   npm run bench -- DIR…         the scan suite on the given trees
//   npm run bench -- scan DIR…    likewise; `verify [REPO]`, `nar [TARBALL]`, `verify-cache [--count N]` run one suite
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = ['scan', 'verify', 'nar', 'verify-cache'];

if (!existsSync(path.join(here, '..', 'dist', 'cli', 'main.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(2);
}

const args = process.argv.slice(2);
let selected = suites;
let rest = args;
if (args[0] && suites.includes(args[0])) {
  selected = [args[0]];
  rest = args.slice(1);
} else if (args.length > 0) {
  selected = ['scan'];
}

for (const name of selected) {
  const file = path.join(here, `${name}.mjs`);
  if (!existsSync(file)) {
    console.log(`# ${name}: suite not available`);
    continue;
  }
  console.log(`# ${name}`);
  const suite = await import(file);
  await suite.run(rest);
}
