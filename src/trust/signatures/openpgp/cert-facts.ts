/**
 * Per-certificate facts that do not depend on any signature's time, computed
 * once per (certificate, signing key) instead of once per signature: walking a
 * certificate's self-signatures costs more than checking a commit signature.
 *
 * Only time-independent facts live here. Everything judged *at* a time (can the
 * key sign at the signature's creation time, is it revoked or expired now) is
 * still decided per signature, so one cached fact can never carry a verdict from
 * one signature time to another.
 *
 * Keys are the very certificate and key objects (WeakMaps, no fingerprints or
 * ids): two different certificates can never share an entry, even when their
 * key ids collide, and entries go away with their key set.
 */
import type * as openpgp from 'openpgp';

type SigningKey = openpgp.PublicKey | openpgp.Subkey;

const expiries = new WeakMap<openpgp.PublicKey, WeakMap<SigningKey, Promise<Date | undefined>>>();

/**
 * The effective expiry of `signingKey` within `cert`, from `compute` the first
 * time, then from the cache. `compute` must judge with no reference date
 * (openpgp.js `getExpirationTime(null)` semantics), which makes it a pure
 * function of the certificate.
 */
export function cachedExpiry(
  cert: openpgp.PublicKey,
  signingKey: SigningKey,
  compute: (cert: openpgp.PublicKey, signingKey: SigningKey) => Promise<Date | undefined>,
): Promise<Date | undefined> {
  let perKey = expiries.get(cert);
  if (!perKey) expiries.set(cert, (perKey = new WeakMap()));
  let expiry = perKey.get(signingKey);
  if (!expiry) {
    expiry = compute(cert, signingKey);
    perKey.set(signingKey, expiry);
  }
  // A copy: callers may not change the cached Date.
  return expiry.then((d) => (d === undefined ? undefined : new Date(d.getTime())));
}
