import type { RawFinding, RuleCheck } from '../types.js';

/** NH013: `<nixpkgs>`-style lookups. `<nix/…>` is Nix's own corepkgs, not a channel. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const c of file.channels) {
    if (c.name === 'nix' || c.name.startsWith('nix/')) continue;
    out.push({ span: c.span, message: `<${c.name}> depends on NIX_PATH or channels on the evaluating machine` });
  }
  return out;
};
