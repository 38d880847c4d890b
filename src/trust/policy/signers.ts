/**
 * Signers and the rules that count them, shared by every section of a trust policy:
 * `[[repositories]]` (commits), `[[images]]` and `[[caches]]`. A rule names signers by
 * id or role; resolving it checks that each named signer can sign what the section judges.
 */
import type { Locator } from '../../syntax/toml-locate.js';

/** One public key of a signer, normalised for the signature layer. */
export interface PolicyKey {
  kind: 'openpgp' | 'ssh' | 'nix';
  /** OpenPGP primary fingerprint (hex upper), SSH `SHA256:…` fingerprint, or a Nix key's `name:base64`: what verdicts carry. */
  fingerprint: string;
  /** OpenPGP subkey fingerprints (hex upper), so a verdict naming a subkey still maps to its signer. */
  subkeyFingerprints: string[];
  /** Armored certificate (OpenPGP), the `type base64` public key line (SSH) or `name:base64` (Nix). */
  text: string;
  /** Where it came from, for messages: `policy.toml:12` or a key file path. */
  origin: string;
}

export interface PolicySigner {
  id: string;
  role?: string;
  keys: PolicyKey[];
}

interface RuleBase {
  /** Signer ids this rule counts, resolved from `signers` and/or `role`. */
  signers: string[];
  /** How the set was written, for explanations: `{alice,bob,carol}` or `role maintainer`. */
  setLabel: string;
  line?: number;
}
export interface ThresholdRule extends RuleBase {
  type: 'threshold';
  min: number;
}
export interface TwoPartyRule extends RuleBase {
  type: 'two-party';
}
export type PolicyRule = ThresholdRule | TwoPartyRule;

export type RawRule = { type: 'threshold' | 'two-party'; min?: number; signers?: string[]; role?: string };

export type Fail = (msg: string, pointer: (string | number)[]) => never;

/**
 * Resolves a list of rules to signer ids. `usable` says whether a signer can
 * sign this kind of artifact (an error names it otherwise), so that a rule can
 * never count a signer whose keys could not verify anything it judges.
 */
export function resolveRules(
  rules: RawRule[],
  base: (string | number)[],
  signers: Map<string, PolicySigner>,
  fail: Fail,
  locate: Locator,
  usable: (s: PolicySigner) => string | undefined,
): PolicyRule[] {
  return rules.map((rule, j) => {
    const ptr = [...base, j];
    if (!rule.signers && !rule.role) fail(`${rule.type} rule needs "signers" or "role"`, ptr);
    const ids = new Set<string>();
    for (const id of rule.signers ?? []) {
      const signer = signers.get(id);
      if (!signer) fail(`unknown signer "${id}"`, [...ptr, 'signers']);
      const why = usable(signer as PolicySigner);
      if (why) fail(`signer "${id}" ${why}`, [...ptr, 'signers']);
      ids.add(id);
    }
    if (rule.role) {
      const withRole = [...signers.values()].filter((s) => s.role === rule.role);
      if (withRole.length === 0) fail(`no signer has role "${rule.role}"`, [...ptr, 'role']);
      for (const s of withRole) {
        const why = usable(s);
        if (why) fail(`signer "${s.id}" (role ${rule.role}) ${why}`, [...ptr, 'role']);
        ids.add(s.id);
      }
    }
    const setLabel = [rule.role ? `role ${rule.role}` : '', rule.signers ? `{${rule.signers.join(',')}}` : ''].filter(Boolean).join(' + ');
    const line = locate(ptr);
    if (rule.type === 'threshold') {
      const min = rule.min as number;
      if (min > ids.size) fail(`threshold ${min} can never be met by ${ids.size} signer(s) in ${setLabel}`, [...ptr, 'min']);
      return { type: 'threshold', min, signers: [...ids], setLabel, line };
    }
    if (ids.size < 2) fail(`two-party rule needs at least two signers in ${setLabel}`, ptr);
    return { type: 'two-party', signers: [...ids], setLabel, line };
  });
}
