/**
 * Contract between the signature layer (git objects, OpenPGP, SSH) and the
 * policy/quorum layer and commit sources. Security rule: anything not
 * positively verified is `verified: false` with a reason code.
 */

/** A parsed git commit or tag object. */
export interface GitObject {
  type: 'commit' | 'tag';
  /** Object id (sha1 or sha256 hex), when known. */
  oid?: string;
  /** Header fields in order; continuation lines already joined with '\n'. */
  headers: { name: string; value: string }[];
  message: string;
  /** Parents (commits only), in order: the first is the first parent. */
  parents: string[];
  tree?: string;
  author?: string;
  committer?: string;
  /** Signature blocks found (gpgsig, gpgsig-sha256, or a tag's trailing armour). */
  signatures: { header: string; armored: string }[];
  /** The exact bytes a signature covers (object minus signature headers). */
  payload: Buffer;
  raw: Buffer;
}

export type SignatureFormat = 'openpgp' | 'ssh' | 'x509' | 'unknown';

export type FailureReason =
  | 'unsigned'
  | 'unknown-key'
  | 'bad-signature'
  | 'expired-key'
  | 'revoked-key'
  | 'weak-algorithm'
  | 'malformed'
  | 'unsupported-format'
  | 'wrong-namespace'
  | 'not-signing-capable'
  | 'principal-not-allowed'
  | 'key-not-yet-valid'
  | 'user-presence-required'
  | 'user-verification-required';

/** The outcome of checking one signature against a set of known keys. */
export interface SignatureVerdict {
  verified: boolean;
  /** 'good' when verified, otherwise the first failure that applies. */
  reason: 'good' | FailureReason;
  /** Human-readable detail, one line. */
  detail: string;
  format: SignatureFormat;
  /** Primary key fingerprint (OpenPGP, hex upper) or SSH key fingerprint (SHA256:…). */
  keyFingerprint?: string;
  /** Signing (sub)key fingerprint or key id as found in the signature. */
  signingKeyId?: string;
  /** e.g. 'rsa4096', 'ed25519', 'ecdsa-sha2-nistp256', 'sk-ssh-ed25519@openssh.com'. */
  algorithm?: string;
  hashAlgorithm?: string;
  /** When the signature says it was made. */
  signedAt?: Date;
  /** Identity: OpenPGP user id or SSH principal. */
  identity?: string;
  /** FIDO flags for sk-* keys. */
  userPresent?: boolean;
  userVerified?: boolean;
  /** True when the signature is good but the key has expired since it was made (git's `Y`). */
  keyExpiredSince?: boolean;
  /** Where the signature was found: 'gpgsig', 'gpgsig-sha256' or 'tag' (a tag's trailing block). */
  header?: string;
  /** SSH: every principal of the matching allowed-signers entries. */
  principals?: string[];
}

/** Options for checking signatures; every relaxation defaults to off (fail closed). */
export interface VerifyOptions {
  /** Accept SHA-1 (and weaker) signature hashes, and ssh-rsa SHA-1 signatures. */
  allowWeakHash?: boolean;
  /** Accept RSA/DSA/ElGamal keys under 2048 bits. */
  allowWeakKeys?: boolean;
  /** FIDO (sk-*) signatures must carry the user-presence flag. */
  requireUserPresence?: boolean;
  /** FIDO (sk-*) signatures must carry the user-verification flag. */
  requireUserVerification?: boolean;
  /** The time "now" for key expiry (defaults to the current time). */
  now?: Date;
  /** SSH: only allowed-signers entries whose principals match this identity count. */
  principal?: string;
  /**
   * OpenPGP: a block holding several signature packets (`gpg -u A -u B`) gives one
   * verdict per packet, for quorum counting. Off by default: git rejects such blocks.
   */
  splitSignaturePackets?: boolean;
}
