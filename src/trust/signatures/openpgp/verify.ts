/**
 * OpenPGP detached signatures over git payloads, checked with openpgp.js.
 * openpgp.js does the cryptography and the key-structure checks; every policy
 * decision (weak hash, weak key, expiry, revocation, capability) is made here so
 * that it yields a reason code.
 */
import * as openpgp from 'openpgp';
import type { KeySet, OpenPgpCert } from '../keyset.js';
import { findOpenPgpCerts } from '../keyset.js';
import { dearmorPgpSignature } from './armor.js';
import { PERMISSIVE_CONFIG } from './config.js';
import { verifiesFast } from './fast-verify.js';
import { readSignaturePacketsDirect, subpacketAreasFit } from './packets.js';
import { cachedExpiry } from './cert-facts.js';
import type { FailureReason, SignatureVerdict, VerifyOptions } from '../types.js';

const { enums } = openpgp;

/** Hashes too weak to trust: MD5, SHA-1, RIPEMD-160. */
const WEAK_HASHES = new Set<number>([enums.hash.md5, enums.hash.sha1, enums.hash.ripemd]);
const MIN_KEY_BITS = 2048;

type Verdict = SignatureVerdict;

/** Verifies an armoured detached signature holding exactly one signature packet (as git requires). */
export async function verifyOpenPgpSignature(
  armored: string,
  payload: Buffer,
  keys: KeySet,
  opts: VerifyOptions = {},
): Promise<Verdict> {
  return (await verifyOpenPgpSignatures(armored, payload, keys, { ...opts, splitSignaturePackets: false }))[0]!;
}

/**
 * Like verifyOpenPgpSignature, but with `opts.splitSignaturePackets` a block of
 * several signature packets (`gpg -u A -u B`) gives one verdict per packet.
 * Without it such a block is one `malformed` verdict: git rejects it too.
 */
export async function verifyOpenPgpSignatures(
  armored: string,
  payload: Buffer,
  keys: KeySet,
  opts: VerifyOptions = {},
): Promise<Verdict[]> {
  const base: Verdict = { verified: false, reason: 'malformed', detail: '', format: 'openpgp' };
  const fail = (reason: FailureReason, detail: string): Verdict[] => [{ ...base, verified: false, reason, detail }];

  if (!/^\s*-----BEGIN PGP SIGNATURE-----/.test(armored)) {
    return fail('unsupported-format', 'OpenPGP data is not a detached signature (-----BEGIN PGP SIGNATURE-----)');
  }
  let binary: Buffer;
  try {
    binary = dearmorPgpSignature(armored);
  } catch (e) {
    return fail('malformed', `unreadable OpenPGP armour: ${oneLine(e)}`);
  }
  if (!subpacketAreasFit(binary)) return fail('malformed', 'a signature subpacket runs past the end of its area');
  let packets: openpgp.SignaturePacket[];
  try {
    // The plain shape directly; anything unusual through openpgp.js's full reader.
    const direct = readSignaturePacketsDirect(binary, PERMISSIVE_CONFIG);
    const parsed = direct ? { packets: direct } : await openpgp.readSignature({ binarySignature: new Uint8Array(binary), config: PERMISSIVE_CONFIG });
    packets = parsed.packets.filter((p): p is openpgp.SignaturePacket => p instanceof openpgp.SignaturePacket);
    if (packets.length === 0 || packets.length !== parsed.packets.length) {
      return fail('malformed', `expected signature packets only, found ${packets.length} among ${parsed.packets.length} packets`);
    }
    if (packets.length > 1 && !opts.splitSignaturePackets) {
      return fail('malformed', `${packets.length} signature packets in one block (git accepts exactly one)`);
    }
  } catch (e) {
    return fail('malformed', `unreadable OpenPGP signature: ${oneLine(e)}`);
  }
  return verifySignaturePackets(packets, payload, keys, opts);
}

/**
 * One verdict per signature packet over `payload`, for packets already read
 * from elsewhere (the signature of a signed message: container image signatures).
 */
export async function verifySignaturePackets(packets: openpgp.SignaturePacket[], payload: Uint8Array, keys: KeySet, opts: VerifyOptions = {}): Promise<Verdict[]> {
  const literal = (await openpgp.createMessage({ binary: new Uint8Array(payload) })).packets[0]!;
  const out: Verdict[] = [];
  for (const sig of packets) out.push(await verifyPacket(sig, literal, keys, { verified: false, reason: 'malformed', detail: '', format: 'openpgp' }, opts));
  return out;
}

async function verifyPacket(sig: openpgp.SignaturePacket, literal: object, keys: KeySet, base: Verdict, opts: VerifyOptions): Promise<Verdict> {
  const fail = (reason: FailureReason, detail: string): Verdict => ({ ...base, verified: false, reason, detail });
  if (sig.signatureType !== enums.signature.binary && sig.signatureType !== enums.signature.text) {
    return fail('malformed', `signature type ${sig.signatureType} is not a document signature`);
  }
  if (!sig.created) return fail('malformed', 'signature has no creation time');
  // gpg counts a critical subpacket it cannot handle as a bad signature in either area;
  // openpgp.js ignores the unhashed area's, so a signature gpg (and git) rejects would
  // verify here. No signer puts critical subpackets there: refuse them all (fuzzing found this).
  const critical = sig.unhashedSubpackets.find((s) => s.critical);
  if (critical) return fail('malformed', `critical subpacket of type ${critical.type} in the unhashed area (gpg rejects the signature)`);

  const signingKeyId = sig.issuerFingerprint ? hex(sig.issuerFingerprint) : sig.issuerKeyID.toHex().toUpperCase();
  base.signingKeyId = signingKeyId;
  base.signedAt = sig.created;
  base.hashAlgorithm = hashName(sig.hashAlgorithm);

  const candidates = findOpenPgpCerts(keys, signingKeyId);
  if (candidates.length === 0) return fail('unknown-key', `no trusted key ${signingKeyId}`);

  // Several certificates can share a 64-bit key id; the one whose key verifies decides.
  let last: Verdict | undefined;
  for (const cert of candidates) {
    last = await verifyWithCert(sig, literal, cert, { ...base }, opts);
    if (last.verified || last.reason !== 'bad-signature') return last;
  }
  return last!;
}

async function verifyWithCert(
  sig: openpgp.SignaturePacket,
  literal: object,
  cert: OpenPgpCert,
  base: Verdict,
  opts: VerifyOptions,
): Promise<Verdict> {
  const key = cert.key;
  const now = opts.now ?? new Date();
  const created = sig.created!;
  const signingKey = key.getKeys(sig.issuerKeyID).find((k) => !sig.issuerFingerprint || hex(sig.issuerFingerprint) === k.getFingerprint().toUpperCase());
  base.keyFingerprint = cert.fingerprint;
  base.identity = await primaryUserId(key);
  const fail = (reason: FailureReason, detail: string, extra: Partial<Verdict> = {}): Verdict => ({ ...base, ...extra, verified: false, reason, detail });
  if (!signingKey) return fail('unknown-key', `certificate ${cert.fingerprint} has no key matching the issuer`);
  base.algorithm = algorithmName(signingKey.getAlgorithmInfo());

  // 1. Cryptography first: a tampered object is "bad" whatever else is wrong with the key.
  // The fast path only ever confirms; anything it does not confirm is judged by openpgp.js.
  if (!(await verifiesFast(sig, signingKey.keyPacket, sig.signatureType!, literal, PERMISSIVE_CONFIG))) {
    try {
      await sig.verify(signingKey.keyPacket, sig.signatureType!, literal, null as unknown as Date, true, PERMISSIVE_CONFIG);
    } catch (e) {
      const msg = oneLine(e);
      if (/did not match|verification failed|does not match|not issued by/i.test(msg)) return fail('bad-signature', `signature does not match the object: ${msg}`);
      if (/critical/i.test(msg)) return fail('unsupported-format', msg);
      return fail('malformed', msg);
    }
  }

  // 2. Algorithm policy.
  if (WEAK_HASHES.has(sig.hashAlgorithm!) && !opts.allowWeakHash) {
    return fail('weak-algorithm', `signature hash ${base.hashAlgorithm} is too weak`);
  }
  for (const k of new Set([key, signingKey])) {
    const weak = weakKey(k.getAlgorithmInfo());
    if (weak && !opts.allowWeakKeys) return fail('weak-algorithm', `${k === key ? 'primary key' : 'signing key'} is ${weak}`);
  }

  // 3. Key state. Revocation counts whenever it was made (as gpg treats it).
  if (await isRevoked(key, signingKey, now)) return fail('revoked-key', `key ${signingKey.getFingerprint().toUpperCase()} is revoked`);
  if (signingKey.getCreationTime() > created) {
    return fail('bad-signature', `signature (${created.toISOString()}) predates its key (${signingKey.getCreationTime().toISOString()})`);
  }

  const expiry = await cachedExpiry(key, signingKey, effectiveExpiry);
  if (expiry && created >= expiry) {
    return fail('expired-key', `signed ${created.toISOString()}, after the key expired ${expiry.toISOString()}`);
  }
  const expiredNow = expiry !== undefined && now >= expiry;
  // Valid for signing when it signed? A refreshed key re-issues its self-signatures
  // later, so fall back to the current ones (gpg judges by those too), or, for an
  // expired key, to the ones in force just before it expired.
  let usable = await canSign(key, signingKey, created);
  if (!usable.ok) usable = await canSign(key, signingKey, expiredNow ? new Date(expiry.getTime() - 1000) : now);
  if (!usable.ok) {
    if (!(await hasSignFlag(key, signingKey))) {
      return fail('not-signing-capable', `key ${signingKey.getFingerprint().toUpperCase()} is not allowed to sign data`);
    }
    return fail('bad-signature', `key not valid for signing: ${usable.why}`);
  }
  if (expiredNow) {
    return fail('expired-key', `good signature, but the key expired ${expiry.toISOString()} (signed ${created.toISOString()})`, {
      keyExpiredSince: true,
    });
  }
  return { ...base, verified: true, reason: 'good', detail: `good signature by ${cert.fingerprint}${base.identity ? ` (${base.identity})` : ''}` };
}

async function canSign(key: openpgp.PublicKey, signingKey: openpgp.PublicKey | openpgp.Subkey, date: Date): Promise<{ ok: boolean; why?: string }> {
  try {
    const usable = await key.getSigningKey(signingKey.getKeyID(), date, undefined, PERMISSIVE_CONFIG);
    // Key ids can collide; only the very key that made the signature counts.
    if (usable.getFingerprint() !== signingKey.getFingerprint()) return { ok: false, why: 'another key with the same key id' };
    return { ok: true };
  } catch (e) {
    return { ok: false, why: oneLine(e) };
  }
}

async function isRevoked(key: openpgp.PublicKey, signingKey: openpgp.PublicKey | openpgp.Subkey, now: Date): Promise<boolean> {
  try {
    if (await key.isRevoked(undefined, undefined, now, PERMISSIVE_CONFIG)) return true;
    if (signingKey !== key && (await (signingKey as openpgp.Subkey).isRevoked(undefined as unknown as openpgp.SignaturePacket, key.keyPacket, now, PERMISSIVE_CONFIG))) {
      return true;
    }
  } catch {
    return true; // cannot tell: fail closed
  }
  return false;
}

/** The earlier of the primary key's and the signing subkey's expiry, from their newest valid self-signatures. */
async function effectiveExpiry(key: openpgp.PublicKey, signingKey: openpgp.PublicKey | openpgp.Subkey): Promise<Date | undefined> {
  const times: (Date | number | null)[] = [];
  try {
    times.push(await key.getExpirationTime(undefined, PERMISSIVE_CONFIG));
  } catch {
    times.push(null);
  }
  if (signingKey !== key) {
    try {
      times.push(await (signingKey as openpgp.Subkey).getExpirationTime(null as unknown as Date, PERMISSIVE_CONFIG));
    } catch {
      times.push(null);
    }
  }
  const dates = times.filter((t): t is Date => t instanceof Date);
  if (dates.length === 0) return undefined;
  return new Date(Math.min(...dates.map((d) => d.getTime())));
}

/** Whether the newest valid binding (subkey) or self-signature (primary) grants "sign data". */
async function hasSignFlag(key: openpgp.PublicKey, signingKey: openpgp.PublicKey | openpgp.Subkey): Promise<boolean> {
  const canAlgoSign = !['ecdh', 'elgamal', 'rsaEncrypt', 'x25519', 'x448'].includes(signingKey.getAlgorithmInfo().algorithm);
  if (!canAlgoSign) return false;
  let flags: Uint8Array | null = null;
  try {
    if (signingKey === key) {
      flags = (await key.getPrimaryUser(null as unknown as Date, undefined, PERMISSIVE_CONFIG)).selfCertification.keyFlags;
    } else {
      const sub = signingKey as openpgp.Subkey;
      const sorted = [...sub.bindingSignatures].sort((a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0));
      for (const b of sorted) {
        try {
          await b.verify(key.keyPacket, enums.signature.subkeyBinding, { key: key.keyPacket, bind: sub.keyPacket }, null as unknown as Date, false, PERMISSIVE_CONFIG);
          flags = b.keyFlags;
          break;
        } catch {
          /* try an older binding */
        }
      }
    }
  } catch {
    return false;
  }
  return !flags || (flags[0]! & enums.keyFlags.signData) !== 0;
}

async function primaryUserId(key: openpgp.PublicKey): Promise<string | undefined> {
  try {
    return (await key.getPrimaryUser(undefined, undefined, PERMISSIVE_CONFIG)).user.userID?.userID ?? undefined;
  } catch {
    return key.getUserIDs()[0];
  }
}

function weakKey(info: openpgp.AlgorithmInfo): string | undefined {
  if (['rsaEncryptSign', 'rsaSign', 'rsaEncrypt', 'dsa', 'elgamal'].includes(info.algorithm) && (info.bits ?? 0) < MIN_KEY_BITS) {
    return `${info.algorithm} with ${info.bits ?? '?'} bits (minimum ${MIN_KEY_BITS})`;
  }
  return undefined;
}

export function algorithmName(info: openpgp.AlgorithmInfo): string {
  switch (info.algorithm) {
    case 'rsaEncryptSign':
    case 'rsaSign':
    case 'rsaEncrypt':
      return `rsa${info.bits ?? ''}`;
    case 'dsa':
      return `dsa${info.bits ?? ''}`;
    case 'eddsaLegacy':
    case 'ed25519':
      return 'ed25519';
    case 'ed448':
      return 'ed448';
    case 'ecdsa':
      return `ecdsa-${info.curve ?? ''}`;
    default:
      return info.algorithm;
  }
}

function hashName(h: number | null): string | undefined {
  if (h === null) return undefined;
  try {
    return enums.read(enums.hash, h).toUpperCase();
  } catch {
    return `hash${h}`;
  }
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex').toUpperCase();
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
}
