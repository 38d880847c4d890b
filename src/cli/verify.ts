/**
 * `nixharden verify image REF… --policy FILE` and `nixharden verify cache
 * PATH… --policy FILE`: quorum verification of container images (simple
 * signing, lookaside) and of store paths in binary caches (narinfo signatures,
 * agreement across caches).
 */
import { Option } from 'commander';
import { ExitCode, UserError } from '../core/errors.js';
import { describeFsError } from '../core/fs.js';
import { nonNegativeInt, positiveInt } from './flags.js';
import type { Register } from './types.js';
import { withProgress } from './output.js';

interface CommonFlags {
  policy?: string;
  format: 'text' | 'json';
  timeout?: number;
  retries?: number;
}

interface ImageFlags extends CommonFlags {
  registry?: string;
}

interface CacheFlags extends CommonFlags {
  closure?: string;
  jobs?: number;
}

export const register: Register = (program, setExitCode) => {
  const verify = program.command('verify').description('verify container images or binary-cache store paths against a quorum trust policy');
  const common = (cmd: ReturnType<typeof verify.command>) =>
    cmd
      .option('--policy <file>', 'trust policy with [[images]] / [[caches]] entries (required)')
      .addOption(new Option('-f, --format <format>', 'output format (default text)').choices(['text', 'json']).default('text'))
      .option('--timeout <seconds>', 'network timeout per request phase (default 30)', positiveInt)
      .option('--retries <n>', 'retries after 5xx, 429 or a timeout (default 3)', nonNegativeInt);

  common(verify.command('image').description('check each image against its [[images]] rules (OpenPGP simple signing from the lookaside)').argument('<refs...>', 'registry/repo@sha256:… or registry/repo:tag'))
    .option('--registry <url>', 'registry API base URL for resolving tags (default https://<registry host>)')
    .action(async (refs: string[], flags: ImageFlags) => {
      const [{ loadPolicy }, { verifyImages }, { imageResultToJson, imageResultToText }] = await Promise.all([
        import('../trust/policy/policy.js'),
        import('../app/verify-image.js'),
        import('../report/verify-artifacts.js'),
      ]);
      const policy = await loadPolicy(requirePolicy(flags));
      const results = await verifyImages({ refs, policy, ...(flags.registry ? { registry: flags.registry } : {}), http: httpOptions(flags) });
      for (const r of results) process.stdout.write(flags.format === 'json' ? `${JSON.stringify(imageResultToJson(r))}\n` : imageResultToText(r));
      if (flags.format === 'text') process.stdout.write(`${results.filter((r) => r.verified).length} of ${results.length} image(s) verified\n`);
      setExitCode(results.every((r) => r.verified) ? ExitCode.Ok : ExitCode.Findings);
    });

  common(verify.command('cache').description('check store paths against the [[caches]] rules (narinfo signatures and agreement across caches)').argument('[paths...]', 'store paths (/nix/store/…)'))
    .option('--closure <file>', 'read store paths from a file, one a line (`nix path-info -r` output; - for stdin)')
    .option('--jobs <n>', 'narinfo requests in flight (default 32)', positiveInt)
    .action(async (paths: string[], flags: CacheFlags) => {
      const [{ loadPolicy }, { verifyCachePaths, parseClosureList }, { pathVerdictToJson, pathVerdictToText }, fs] = await Promise.all([
        import('../trust/policy/policy.js'),
        import('../app/verify-cache.js'),
        import('../report/verify-artifacts.js'),
        import('node:fs/promises'),
      ]);
      const all = [...paths];
      if (flags.closure) {
        const text = await (flags.closure === '-' ? readStdin() : fs.readFile(flags.closure, 'utf8')).catch((e: unknown) => {
          throw new UserError(`cannot read: ${describeFsError(e)}`, ExitCode.Usage, flags.closure);
        });
        all.push(...parseClosureList(text));
      }
      if (all.length === 0) throw new UserError('give store paths, or --closure FILE');
      const policy = await loadPolicy(requirePolicy(flags));
      const results = await withProgress((progress) =>
        verifyCachePaths({ paths: all, policy, http: { ...httpOptions(flags), ...(flags.jobs ? { concurrency: flags.jobs } : {}) }, progress }),
      );
      // A disagreement between caches is an alarm: it is reported first.
      const ordered = [...results.filter((r) => r.reason === 'disagree'), ...results.filter((r) => r.reason !== 'disagree')];
      const out = ordered.map((r) => (flags.format === 'json' ? `${JSON.stringify(pathVerdictToJson(r))}\n` : pathVerdictToText(r)));
      process.stdout.write(out.join(''));
      if (flags.format === 'text') {
        const alarms = results.filter((r) => r.reason === 'disagree').length;
        process.stdout.write(`${results.filter((r) => r.verified).length} of ${results.length} path(s) verified${alarms ? `; ALARM: ${alarms} path(s) differ between caches` : ''}\n`);
      }
      setExitCode(results.every((r) => r.verified) ? ExitCode.Ok : ExitCode.Findings);
    });
};

/** Checked here rather than by commander, so that an unknown option is still the error reported first. */
function requirePolicy(flags: CommonFlags): string {
  if (!flags.policy) throw new UserError('--policy FILE is required');
  return flags.policy;
}

function httpOptions(flags: CommonFlags): { timeoutMs?: number; retries?: number } {
  return { ...(flags.timeout ? { timeoutMs: flags.timeout * 1000 } : {}), ...(flags.retries !== undefined ? { retries: flags.retries } : {}) };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
