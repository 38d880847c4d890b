/**
 * `nixharden pin PATH…`: move pins to the newest commit of their branch that
 * the trust policy (or the given keys) accepts, with matching hashes; pins
 * already on an accepted commit stay unless `--update`. Tag pins are fixed to
 * their tagged commit. Dry run by default (a unified diff); `--write` writes
 * every file or none.
 */
import { Option } from 'commander';
import { DEFAULT_BRANCH_TTL_SECONDS, DEFAULT_PIN_LIMIT as DEFAULT_LIMIT } from '../core/defaults.js';
import { UserError } from '../core/errors.js';
import { collect, nonNegativeInt, parseCount, parseSize, positiveInt } from './flags.js';
import type { Register } from './types.js';
import { warn, withProgress } from './output.js';

interface Flags {
  policy?: string;
  keyring: string[];
  allowedSigners?: string;
  input: string[];
  all?: boolean;
  update?: boolean;
  requireSignedTag?: boolean;
  repo?: string;
  branch?: string;
  limit: number;
  write?: boolean;
  format: 'text' | 'json';
  githubApi?: string;
  archiveBase?: string;
  cacheDir?: string;
  ttl?: number;
  maxSize?: number;
  retries: number;
}

export const register: Register = (program) => {
  program
    .command('pin')
    .description('pin to the newest commit of each tracked branch that satisfies a trust policy, with its hashes (pins already on an accepted commit stay unless --update)')
    .argument('<paths...>', 'configuration files or directories')
    .option('--policy <file>', 'trust policy (nixharden-policy.toml/.yaml)')
    .option('--keyring <file>', 'without a policy: OpenPGP certificates whose good signature is enough; repeatable', collect, [])
    .option('--allowed-signers <file>', 'without a policy: SSH allowed-signers file whose good signature is enough')
    .option('--input <name>', 'pin only this input / entry / owner/repo (repeatable; default: every nixpkgs pin)', collect, [])
    .option('--all', 'pin every GitHub pin, not only nixpkgs')
    .option('--update', 'also move pins that are already on an accepted commit to the newest accepted commit')
    .option('--require-signed-tag', 'tag pins need an annotated tag object that the policy (or keys) accepts, not only an accepted tagged commit')
    .option('--repo <dir>', 'read commits and trees from this local clone (no network)')
    .option('--branch <name>', 'track this branch instead of the one each pin names')
    .option('--limit <n>', `examine at most N commits per branch (default ${DEFAULT_LIMIT})`, positiveInt, DEFAULT_LIMIT)
    .option('--write', 'apply the edits (default print a unified diff)')
    .addOption(new Option('-f, --format <format>', 'output format (default text)').choices(['text', 'json']).default('text'))
    .option('--github-api <url>', 'GitHub API base URL (default $NIXHARDEN_GITHUB_API or https://api.github.com)')
    .option('--archive-base <url>', 'where commit archives are fetched from and what rewritten URLs say (default https://github.com)')
    .option('--cache-dir <dir>', 'cache for GitHub history (default $NIXHARDEN_CACHE_DIR, $XDG_CACHE_HOME/nixharden)')
    .option('--ttl <seconds>', `reuse a cached branch tip this long without asking GitHub, like Nix's tarball-ttl; 0 always asks (default ${DEFAULT_BRANCH_TTL_SECONDS})`, nonNegativeInt)
    .option('--max-size <bytes>', 'refuse archive downloads larger than this; K, M, G suffixes (default 4G)', parseSize)
    .option('--retries <n>', 'download retries after HTTP 5xx/429, network errors or truncation (default 3)', parseCount, 3)
    .action(async (paths: string[], flags: Flags) => {
      const trustGiven = [flags.policy, flags.keyring.length ? 'k' : undefined, flags.allowedSigners].filter(Boolean).length;
      if (trustGiven === 0) throw new UserError('say which commits to trust: --policy FILE, or --keyring FILE / --allowed-signers FILE');
      if (flags.policy && (flags.keyring.length || flags.allowedSigners)) throw new UserError('--policy names its own keys; do not combine it with --keyring/--allowed-signers');
      if (flags.all && flags.input.length) throw new UserError('give either --input or --all, not both');
      const [{ planPins, writePinPlan }, { loadPolicy }, { defaultCacheDir }, { pinPlanToJson, pinPlanToText }] = await Promise.all([
        import('../app/pin.js'),
        import('../trust/policy/policy.js'),
        import('../sources/cache.js'),
        import('../report/pin.js'),
      ]);
      const policy = flags.policy ? await loadPolicy(flags.policy) : undefined;
      const plan = await withProgress((progress) =>
        planPins({
          paths,
          policy,
          keyrings: flags.keyring,
          allowedSigners: flags.allowedSigners,
          inputs: flags.input,
          all: flags.all,
          update: flags.update,
          requireSignedTag: flags.requireSignedTag,
          repoDir: flags.repo,
          branch: flags.branch,
          limit: flags.limit,
          githubApi: flags.githubApi,
          archiveBase: flags.archiveBase,
          cacheDir: flags.cacheDir ?? defaultCacheDir(),
          ...(flags.ttl !== undefined ? { branchTtlSeconds: flags.ttl } : {}),
          download: { retries: flags.retries, ...(flags.maxSize ? { maxBytes: flags.maxSize } : {}) },
          progress,
        }),
      );
      for (const w of plan.warnings) warn(w);
      const written = flags.write ? await writePinPlan(plan) : [];
      if (flags.format === 'json') process.stdout.write(`${JSON.stringify(pinPlanToJson(plan, written), null, 2)}\n`);
      else process.stdout.write(pinPlanToText(plan, written, flags.write === true));
    });
};
