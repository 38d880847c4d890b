/**
 * `nixharden policy init` writes a commented starter trust policy;
 * `nixharden policy check` loads one (schema, keys, rules) and summarises it.
 */
import path from 'node:path';
import { writeFileAtomic } from '../core/fs.js';
import { ExitCode, UserError } from '../core/errors.js';
import type { PolicyRule } from '../trust/policy/signers.js';
import type { Register } from './types.js';

export const DEFAULT_POLICY_FILE = 'nixharden-policy.toml';

export const STARTER_POLICY = `# nixharden trust policy (format version 1). Reference: docs/policy.md
#
# Who may sign, and how many of them must sign, before a commit, a container
# image or a binary-cache store path is trusted.
# Everything fails closed: an unknown field, rule type or unreadable key is an
# error, never a pass. Check this file with: nixharden policy check ${DEFAULT_POLICY_FILE}
version = 1

# One [[signers]] block per person (or platform). A signer counts ONCE toward a
# rule however many keys or signatures it has.
# keys: armored OpenPGP certificates inline, SSH public key lines
# ("ssh-ed25519 AAAA... comment"), or { path = "..." } to a file relative to
# this policy (armored or binary OpenPGP, or SSH public key lines).
[[signers]]
id = "alice"
role = "maintainer"
keys = [{ path = "keys/alice.asc" }]

[[signers]]
id = "bob"
role = "maintainer"
keys = [{ path = "keys/bob.pub" }]

[[signers]]
id = "carol"
role = "maintainer"
keys = [{ path = "keys/carol.asc" }]

# A code host's merge key (e.g. GitHub's web-flow key, \`curl https://github.com/web-flow.gpg\`)
# gets role "platform": commits only it signed are reported as centralised trust.
# [[signers]]
# id = "github"
# role = "platform"
# keys = [{ path = "keys/github-web-flow.gpg" }]

[[repositories]]
# owner/repo (GitHub), a git URL (https://host/owner/repo, git@host:owner/repo)
# or an absolute path to a local repository.
url = "example-org/example-repo"
branch = "main"
# Optional: history from this commit (full 40-hex id) on must satisfy the rules;
# commits that do not descend from it fail.
# trust-root = "0123456789abcdef0123456789abcdef01234567"
# How role = "platform" signatures count: "ignore" (default), "count-as-one"
# (all platform keys together are one party toward every rule) or "sufficient"
# (a platform signature alone satisfies the rules: centralised trust).
platform = "ignore"
# Crypto options (defaults shown).
allow-weak-hash = false
require-user-presence = false
require-user-verification = false
# nixharden pin: a tag pin must carry an annotated tag object that satisfies the rules too.
require-signed-tag = false

# Every rule must hold. Rule types: "threshold", "two-party".
[[repositories.rules]]
# At least \`min\` distinct signers from a set (signers = [...]) and/or a role.
type = "threshold"
min = 2
signers = ["alice", "bob", "carol"]

# [[repositories.rules]]
# # stagex-style review: a merge commit and each commit it merges are signed by
# # two different signers (or a non-merge commit is co-signed by two).
# type = "two-party"
# role = "maintainer"

# Container images (nixharden verify image / sign image). Signers need OpenPGP
# certificates; each rule counts distinct signers (a subkey counts for its primary).
# [[images]]
# prefix = "docker.io/stagex"                 # references this entry covers
# lookaside = "https://sigs.stagex.tools"     # signatures: URL or directory
# remap = { prefix = "quay.io/stagex", signed-prefix = "docker.io/stagex" }   # optional
# [[images.rules]]
# type = "threshold"
# min = 2
# signers = ["alice", "bob", "carol"]

# Binary caches (nixharden verify cache). Signers need Nix public keys, e.g.
# keys = ["cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY="]
# or { path = "keys/rebuilder.pub" } (nix-store --generate-binary-cache-key).
# [[caches]]
# urls = ["https://cache.nixos.org", "file:///srv/rebuilds"]
# agree = true                                # NarHash/NarSize must agree (default)
# [[caches.rules]]
# type = "threshold"
# min = 2
# signers = ["cache-nixos-org", "our-rebuilder"]
`;

interface InitFlags {
  output?: string;
  force?: boolean;
}

export const register: Register = (program, setExitCode) => {
  const policy = program.command('policy').description('create and check trust policies');
  policy
    .command('init')
    .description(`write a commented starter policy (default ./${DEFAULT_POLICY_FILE})`)
    .option('-o, --output <file>', `where to write it (default ./${DEFAULT_POLICY_FILE})`)
    .option('--force', 'overwrite an existing file')
    .action(async (flags: InitFlags) => {
      const target = path.resolve(flags.output ?? DEFAULT_POLICY_FILE);
      await writeFileAtomic(target, STARTER_POLICY, { exclusive: !flags.force }).catch((err: unknown) => {
        if (err instanceof UserError && /already exists/.test(err.message)) throw new UserError('already exists; pass --force to overwrite', ExitCode.Usage, target);
        throw err;
      });
      process.stdout.write(`wrote ${target}\n`);
      setExitCode(ExitCode.Ok);
    });
  policy
    .command('check')
    .description('validate a policy file and resolve every key it names')
    .argument('[file]', `policy file (default ${DEFAULT_POLICY_FILE})`, DEFAULT_POLICY_FILE)
    .action(async (file: string) => {
      const { loadPolicy } = await import('../trust/policy/policy.js');
      const p = await loadPolicy(file);
      const keys = [...p.signers.values()].reduce((n, s) => n + s.keys.length, 0);
      const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
      const sections = [
        plural(p.repositories.length, 'repository entry', 'repository entries'),
        ...(p.images.length ? [plural(p.images.length, 'image entry', 'image entries')] : []),
        ...(p.caches.length ? [plural(p.caches.length, 'cache entry', 'cache entries')] : []),
      ];
      process.stdout.write(`${file}: ok: ${p.signers.size} signer(s), ${keys} key(s), ${sections.join(', ')}\n`);
      const rules = (list: PolicyRule[]) => list.map((x) => (x.type === 'threshold' ? `${x.min} of ${x.setLabel}` : `two-party over ${x.setLabel}`)).join(' and ');
      for (const r of p.repositories) {
        process.stdout.write(`  ${r.url}${r.branch ? `@${r.branch}` : ''}: ${rules(r.rules)}; platform ${r.platform}${r.trustRoot ? `; trust root ${r.trustRoot}` : ''}\n`);
      }
      for (const i of p.images) {
        const remap = i.remap ? `; ${i.remap.prefix} signed as ${i.remap.signedPrefix}` : '';
        process.stdout.write(`  image ${i.prefix}: ${rules(i.rules)}; lookaside ${i.lookaside}${remap}\n`);
      }
      for (const c of p.caches) {
        process.stdout.write(`  cache ${c.urls.join(' + ')}: ${rules(c.rules)}; ${c.agree ? 'NarHash/NarSize must agree' : 'agreement not required'}\n`);
      }
      setExitCode(ExitCode.Ok);
    });
};
