/**
 * SSH signatures (OpenSSH PROTOCOL.sshsig, FIDO details in PROTOCOL.u2f),
 * parsed and checked with node:crypto. This module answers only "is this blob a
 * valid signature by the public key it embeds over these bytes"; which keys are
 * trusted is keyset.ts's and verify.ts's business.
 */
import { createHash, verify as cryptoVerify } from 'node:crypto';
import { decodeSshPublicKeyBlob, SshReader, sshString, type SshPublicKey } from './keys.js';

export interface SshSignature {
  publicKey: SshPublicKey;
  namespace: string;
  reserved: Buffer;
  /** 'sha256' | 'sha512' (anything else is rejected at verify time). */
  hashAlgorithm: string;
  /** Signature algorithm, e.g. 'ssh-ed25519', 'rsa-sha2-512', 'sk-ssh-ed25519@openssh.com'. */
  signatureType: string;
  /** The raw signature bytes inside the signature string. */
  rawSignature: Buffer;
  /** FIDO only: flags byte and counter. */
  skFlags?: number;
  skCounter?: number;
}

export class SshSigFormatError extends Error {}

const BEGIN = '-----BEGIN SSH SIGNATURE-----';
const END = '-----END SSH SIGNATURE-----';
const MAGIC = Buffer.from('SSHSIG');

/**
 * Armour → blob, read exactly as ssh-keygen reads it (sshsig_dearmor), since git hands
 * the signature to ssh-keygen as it stands: the text starts with the BEGIN line, the
 * blob ends at the first END marker (whatever follows is ignored, as ssh-keygen ignores
 * it: git joins two `gpgsig` headers and verifies the first signature), and the base64
 * between, whitespace aside, must be canonical (padded, no stray bits), as b64_pton wants.
 * Any other reading would judge some signatures otherwise than git; the fuzzing campaign
 * found such cases (docs/reliability.md).
 */
export function dearmorSshSignature(armored: string): Buffer {
  const begin = `${BEGIN}\n`;
  if (!armored.startsWith(begin)) throw new SshSigFormatError('missing SSH SIGNATURE armour');
  const end = armored.indexOf(`\n${END}`, begin.length);
  if (end < 0) throw new SshSigFormatError('missing the END SSH SIGNATURE line');
  const b64 = armored.slice(begin.length, end).replace(/[ \t\n\r\v\f]/g, '');
  const blob = Buffer.from(b64, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || blob.toString('base64') !== b64) throw new SshSigFormatError('invalid base64 in SSH signature');
  return blob;
}

export function parseSshSignature(armored: string): SshSignature {
  try {
    const r = new SshReader(dearmorSshSignature(armored));
    if (!r.bytes(6).equals(MAGIC)) throw new SshSigFormatError('not an SSHSIG blob');
    const version = r.u32();
    if (version !== 1) throw new SshSigFormatError(`unsupported SSHSIG version ${version}`);
    const publicKey = decodeSshPublicKeyBlob(r.string());
    const namespace = r.text();
    const reserved = r.string();
    const hashAlgorithm = r.text();
    const sig = new SshReader(r.string());
    r.end();
    const signatureType = sig.text();
    const rawSignature = sig.string();
    const out: SshSignature = { publicKey, namespace, reserved, hashAlgorithm, signatureType, rawSignature };
    if (signatureType.startsWith('sk-')) {
      out.skFlags = sig.u8();
      out.skCounter = sig.u32();
    }
    sig.end();
    return out;
  } catch (e) {
    if (e instanceof SshSigFormatError) throw e;
    throw new SshSigFormatError((e as Error).message);
  }
}

/** The bytes the key signs (before the FIDO wrapping). */
export function sshSignedData(sig: SshSignature, message: Buffer): Buffer {
  const digest = createHash(sig.hashAlgorithm).update(message).digest();
  return Buffer.concat([MAGIC, sshString(sig.namespace), sshString(sig.reserved), sshString(sig.hashAlgorithm), sshString(digest)]);
}

export type SshCryptoResult =
  | { ok: true }
  | { ok: false; reason: 'bad-signature' | 'unsupported-format' | 'weak-algorithm' | 'malformed'; detail: string };

/** Signature types each key type may produce. ssh-rsa (SHA-1) is listed so it can be refused as weak. */
const SIG_TYPES_FOR_KEY: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'sk-ssh-ed25519@openssh.com': ['sk-ssh-ed25519@openssh.com'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'sk-ecdsa-sha2-nistp256@openssh.com': ['sk-ecdsa-sha2-nistp256@openssh.com'],
  'ssh-rsa': ['rsa-sha2-256', 'rsa-sha2-512', 'ssh-rsa'],
};

/** Checks the signature cryptographically against the key it embeds. */
export function checkSshSignature(sig: SshSignature, message: Buffer, opts: { allowWeakHash?: boolean } = {}): SshCryptoResult {
  const key = sig.publicKey;
  if (sig.hashAlgorithm !== 'sha256' && sig.hashAlgorithm !== 'sha512') {
    return { ok: false, reason: 'unsupported-format', detail: `SSHSIG hash algorithm ${JSON.stringify(sig.hashAlgorithm)} is not sha256/sha512` };
  }
  if (!key.keyObject) return { ok: false, reason: 'unsupported-format', detail: `SSH key type ${key.type} is not supported` };
  if (!SIG_TYPES_FOR_KEY[key.type]?.includes(sig.signatureType)) {
    return { ok: false, reason: 'malformed', detail: `signature type ${sig.signatureType} does not fit key type ${key.type}` };
  }
  if (sig.signatureType === 'ssh-rsa' && !opts.allowWeakHash) {
    return { ok: false, reason: 'weak-algorithm', detail: 'ssh-rsa signatures use SHA-1' };
  }
  let data = sshSignedData(sig, message);
  if (key.type.startsWith('sk-')) {
    // PROTOCOL.u2f: the authenticator signs SHA256(application) ‖ flags ‖ counter ‖ SHA256(data).
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(sig.skCounter ?? 0, 0);
    data = Buffer.concat([
      createHash('sha256').update(key.application ?? '').digest(),
      Buffer.from([sig.skFlags ?? 0]),
      counter,
      createHash('sha256').update(data).digest(),
    ]);
  }
  let ok: boolean;
  try {
    ok = cryptoCheck(key, sig, data);
  } catch (e) {
    return { ok: false, reason: 'malformed', detail: `unreadable signature value: ${(e as Error).message}` };
  }
  return ok ? { ok: true } : { ok: false, reason: 'bad-signature', detail: 'SSH signature does not match the signed data' };
}

function cryptoCheck(key: SshPublicKey, sig: SshSignature, data: Buffer): boolean {
  const keyObject = key.keyObject!;
  if (key.type === 'ssh-ed25519' || key.type === 'sk-ssh-ed25519@openssh.com') {
    if (sig.rawSignature.length !== 64) return false;
    return cryptoVerify(null, data, keyObject, sig.rawSignature);
  }
  if (key.type.includes('ecdsa-sha2-')) {
    const r = new SshReader(sig.rawSignature);
    const rInt = r.mpint();
    const sInt = r.mpint();
    r.end();
    const size = key.type.includes('nistp521') ? 66 : key.type.includes('nistp384') ? 48 : 32;
    if (rInt.length > size || sInt.length > size) return false;
    const p1363 = Buffer.concat([leftPad(rInt, size), leftPad(sInt, size)]);
    // sk-ecdsa is always P-256 with SHA-256.
    return cryptoVerify(key.ecdsaHash ?? 'sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, p1363);
  }
  if (key.type === 'ssh-rsa') {
    const hash = sig.signatureType === 'rsa-sha2-512' ? 'sha512' : sig.signatureType === 'rsa-sha2-256' ? 'sha256' : 'sha1';
    const modBytes = Math.ceil((key.bits ?? 0) / 8);
    // OpenSSH accepts signatures shorter than the modulus and pads them; OpenSSL wants the full length.
    if (sig.rawSignature.length > modBytes) return false;
    return cryptoVerify(hash, data, keyObject, leftPad(sig.rawSignature, modBytes));
  }
  return false;
}

function leftPad(b: Buffer, size: number): Buffer {
  return b.length >= size ? b : Buffer.concat([Buffer.alloc(size - b.length), b]);
}
