/**
 * Judges an SSH signature against the allowed signers, as
 * `ssh-keygen -Y verify -n git -Overify-time=<object time>` does for git:
 * the embedded key must be listed (not as cert-authority), for namespace git,
 * within valid-after/valid-before at the object's own timestamp.
 */
import type { AllowedSigner } from './allowed-signers.js';
import { matchPatternList } from './allowed-signers.js';
import type { KeySet } from '../keyset.js';
import { describeSshKey } from './keys.js';
import { checkSshSignature, parseSshSignature, type SshSignature } from './sshsig.js';
import type { FailureReason, SignatureVerdict, VerifyOptions } from '../types.js';

const MIN_RSA_BITS = 2048;
const FIDO_USER_PRESENT = 0x01;
const FIDO_USER_VERIFIED = 0x04;

/**
 * @param signedAt seconds since the epoch the object claims (committer/tagger time);
 *   validity windows are checked against it, as git passes it to ssh-keygen.
 */
export function verifySshSignature(
  armored: string,
  payload: Buffer,
  keys: KeySet,
  signedAt: number | undefined,
  opts: VerifyOptions = {},
): SignatureVerdict {
  const base: SignatureVerdict = { verified: false, reason: 'malformed', detail: '', format: 'ssh' };
  if (signedAt !== undefined) base.signedAt = new Date(signedAt * 1000);
  const fail = (reason: FailureReason, detail: string): SignatureVerdict => ({ ...base, verified: false, reason, detail });

  let sig: SshSignature;
  try {
    sig = parseSshSignature(armored);
  } catch (e) {
    return fail('malformed', `unreadable SSH signature: ${(e as Error).message}`);
  }
  base.keyFingerprint = sig.publicKey.fingerprint;
  base.signingKeyId = sig.publicKey.fingerprint;
  base.algorithm = describeSshKey(sig.publicKey);
  base.hashAlgorithm = sig.hashAlgorithm;
  if (sig.skFlags !== undefined) {
    base.userPresent = (sig.skFlags & FIDO_USER_PRESENT) !== 0;
    base.userVerified = (sig.skFlags & FIDO_USER_VERIFIED) !== 0;
  }

  const crypto = checkSshSignature(sig, payload, opts);
  if (!crypto.ok) return fail(crypto.reason, crypto.detail);
  if (sig.namespace !== 'git') return fail('wrong-namespace', `signature namespace is ${JSON.stringify(sig.namespace)}, not "git"`);
  if (sig.publicKey.type === 'ssh-rsa' && (sig.publicKey.bits ?? 0) < MIN_RSA_BITS && !opts.allowWeakKeys) {
    return fail('weak-algorithm', `RSA key of ${sig.publicKey.bits} bits (minimum ${MIN_RSA_BITS})`);
  }

  let entries = (keys.sshIndex.get(sig.publicKey.fingerprint) ?? []).filter((e) => e.key.blob.equals(sig.publicKey.blob));
  if (entries.length === 0) return fail('unknown-key', `no allowed signer has key ${sig.publicKey.fingerprint}`);
  // A cert-authority line trusts certificates signed by the key, never the key itself.
  entries = entries.filter((e) => !e.options.certAuthority);
  if (entries.length === 0) return fail('unknown-key', `key ${sig.publicKey.fingerprint} is listed only as a cert-authority`);
  if (opts.principal !== undefined) {
    const principal = opts.principal;
    entries = entries.filter((e) => matchPatternList(principal, e.principals));
    if (entries.length === 0) return fail('principal-not-allowed', `key ${sig.publicKey.fingerprint} is not allowed for ${principal}`);
  }
  entries = entries.filter((e) => !e.options.namespaces || matchPatternList('git', e.options.namespaces));
  if (entries.length === 0) return fail('wrong-namespace', `key ${sig.publicKey.fingerprint} is not allowed for namespace git`);

  const timed = entries.filter((e) => e.options.validAfter !== undefined || e.options.validBefore !== undefined);
  if (timed.length > 0 && signedAt === undefined) {
    entries = entries.filter((e) => !timed.includes(e));
    if (entries.length === 0) return fail('malformed', 'the object has no timestamp to check the key validity window against');
  }
  const inWindow = entries.filter((e) => withinWindow(e, signedAt));
  if (inWindow.length === 0) {
    const early = entries.some((e) => e.options.validAfter !== undefined && signedAt! < e.options.validAfter);
    return early
      ? fail('key-not-yet-valid', `key ${sig.publicKey.fingerprint} is not valid yet at ${base.signedAt?.toISOString()}`)
      : fail('expired-key', `key ${sig.publicKey.fingerprint} was no longer valid at ${base.signedAt?.toISOString()}`);
  }
  if (opts.requireUserPresence && base.userPresent !== true) {
    return fail('user-presence-required', 'the policy requires a FIDO signature with user presence');
  }
  if (opts.requireUserVerification && base.userVerified !== true) {
    return fail('user-verification-required', 'the policy requires a FIDO signature with user verification');
  }
  const principals = [...new Set(inWindow.flatMap((e) => e.principals))];
  const identity = opts.principal ?? principals[0];
  return {
    ...base,
    verified: true,
    reason: 'good',
    detail: `good "git" signature for ${identity} with ${sig.publicKey.type} key ${sig.publicKey.fingerprint}`,
    ...(identity !== undefined ? { identity } : {}),
    principals,
  };
}

function withinWindow(e: AllowedSigner, t: number | undefined): boolean {
  const { validAfter, validBefore } = e.options;
  if (validAfter === undefined && validBefore === undefined) return true;
  if (t === undefined) return false;
  if (validAfter !== undefined && t < validAfter) return false;
  if (validBefore !== undefined && t > validBefore) return false;
  return true;
}
