/**
 * `nixharden verify-commit`: verify commit signatures (like `git verify-commit`,
 * in bulk) or judge commits against a quorum trust policy.
 */
import { Option } from 'commander';
import { ExitCode } from '../core/errors.js';
import { collect, positiveInt } from './flags.js';
import type { Register } from './types.js';
import { note, warn, withProgress } from './output.js';

interface Flags {
  repo?: string;
  github?: string;
  range?: string;
  firstParent?: boolean;
  limit?: number;
  keyring: string[];
  allowedSigners?: string;
  policy?: string;
  format: 'text' | 'json';
  cacheDir?: string;
  githubApi?: string;
}

export const register: Register = (program, setExitCode) => {
  program
    .command('verify-commit')
    .description('verify commit signatures, or check commits against a quorum trust policy')
    .argument('[revs...]', 'commits to verify (default the policy branch, else HEAD)')
    .option('--repo <path>', 'local git repository (default current directory)')
    .option('--github <owner/repo>', 'read commits through the GitHub REST API instead')
    .option('--range <A..B>', 'verify every commit reachable from B and not from A')
    .option('--first-parent', 'walk only first parents')
    .option('--limit <n>', 'walk at most N commits back from each revision', positiveInt)
    .option('--keyring <file>', 'OpenPGP certificates (armored or binary); repeatable', collect, [])
    .option('--allowed-signers <file>', "SSH allowed-signers file (git's gpg.ssh.allowedSignersFile)")
    .option('--policy <file>', 'trust policy (nixharden-policy.toml/.yaml)')
    .addOption(new Option('-f, --format <format>', 'output format (default text)').choices(['text', 'json']).default('text'))
    .option('--cache-dir <dir>', 'cache for commits fetched from GitHub (default $NIXHARDEN_CACHE_DIR, $XDG_CACHE_HOME/nixharden)')
    .option('--github-api <url>', 'GitHub API base URL (default $NIXHARDEN_GITHUB_API or https://api.github.com)')
    .action(async (revs: string[], flags: Flags) => {
      const [{ runVerifyCommit }, { commitReportToJson, commitReportToText }] = await Promise.all([import('../app/verify-commit.js'), import('../report/verify-commit.js')]);
      const { commits, warnings } = await withProgress((progress) => runVerifyCommit({ revs, keyrings: flags.keyring, ...flags, progress }));
      for (const w of warnings) warn(w);
      if (commits.length === 0) note('no commits to verify');
      for (const c of commits) process.stdout.write(flags.format === 'json' ? `${JSON.stringify(commitReportToJson(c))}\n` : commitReportToText(c));
      setExitCode(commits.every((c) => c.verified) ? ExitCode.Ok : ExitCode.Findings);
    });
};
