import type { RawFinding, RuleCheck } from '../types.js';

const BRANCH_NAMES = /^(?:master|main|trunk|develop|dev|HEAD|stable|unstable|nixos-unstable|nixpkgs-unstable|release|latest)$/;

/**
 * NH028: `rev` given a branch name. With a hash the content is still checked, but the
 * source no longer says which commit it is, and the build breaks (or someone updates the
 * hash without review) whenever the branch moves.
 */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const call of file.fetches) {
    for (const arg of ['rev', 'ref']) {
      const v = call.args.get(arg);
      if (v?.kind !== 'string' || !BRANCH_NAMES.test(v.value)) continue;
      if (arg === 'ref' && call.args.has('rev')) continue;
      if (arg === 'ref' && call.builtin) continue; // NH011 reports builtins.fetchGit without rev
      out.push({ span: v.span, message: `${call.callee} has ${arg} = "${v.value}", a branch name: the pin says nothing about which commit is built` });
    }
  }
  return out;
};
