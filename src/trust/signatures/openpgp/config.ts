/**
 * openpgp.js configuration for verification. openpgp.js has its own security
 * policy (minimum RSA size, rejected hashes, rejected algorithms); we switch it
 * off so that those decisions are made, reported and overridable in one place
 * (openpgp.ts), with a reason code instead of an opaque exception.
 */
import * as openpgp from 'openpgp';

export const PERMISSIVE_CONFIG: openpgp.Config = {
  ...openpgp.config,
  minRSABits: 0,
  rejectHashAlgorithms: new Set(),
  rejectMessageHashAlgorithms: new Set(),
  rejectPublicKeyAlgorithms: new Set(),
  rejectCurves: new Set(),
  // Keys whose self-signatures were re-issued after the signature (a common
  // refresh) are judged as gpg judges them: by their current self-signatures.
  allowInsecureVerificationWithReformattedKeys: false,
};
