/**
 * `sign image`: what a rebuilder runs after a matching rebuild. It signs the
 * image digest with an OpenPGP secret key and writes the next free
 * `signature-N` in a lookaside directory, refusing to add a second signature
 * by the same primary key (one signer, one signature: it would count once anyway).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { UserError } from '../core/errors.js';
import { describeFsError, writeFileAtomic } from '../core/fs.js';
import { VERSION } from '../core/version.js';
import { loadKeySet } from '../trust/signatures/keyset.js';
import { verifySignaturePackets } from '../trust/signatures/openpgp/verify.js';
import { buildPayload } from '../trust/images/payload.js';
import { refString, type ImageRef } from '../trust/images/reference.js';
import { readSignedMessage } from '../trust/images/signed-message.js';
import { signPayload } from '../trust/images/sign.js';
import { isUrl, nextFreeIndex, readSignatures, signatureDir } from '../sources/lookaside.js';
import { registryBase, resolveTag } from '../sources/registry.js';
import type { ArtifactHttpOptions } from '../sources/artifact-http.js';
import { parseImageArgument } from './verify-image.js';

export interface SignImageOptions {
  ref: string;
  keyFile: string;
  lookaside: string;
  passphraseFile?: string;
  /** A manifest file: the digest is its sha256 (no registry needed). */
  manifest?: string;
  registry?: string;
  http?: ArtifactHttpOptions;
  now?: Date;
}

export interface SignImageResult {
  file: string;
  index: number;
  digest: string;
  identity: string;
  key: string;
}

export async function signImage(opts: SignImageOptions): Promise<SignImageResult> {
  const ref = parseImageArgument(opts.ref);
  if (isUrl(opts.lookaside)) throw new UserError(`--lookaside must be a directory (signatures are written there, then published): ${opts.lookaside}`);
  const dir = opts.lookaside.startsWith('file://') ? new URL(opts.lookaside).pathname : path.resolve(opts.lookaside);
  const key = await readSecretKey(opts.keyFile, opts.passphraseFile);
  const digest = await digestFor(ref, opts);
  // A tag is the identity when there is one (as stagex signs), else the digest reference.
  const identity = refString(ref.tag !== undefined ? { ...ref, digest: undefined } : ref);

  const publicKeys = await loadKeySet({ armoredKeys: [key.toPublic().armor()] });
  const existing = await readSignatures(dir, ref.path, digest);
  if (existing.error) throw new UserError(`cannot read existing signatures: ${existing.error}`);
  for (const [i, bytes] of existing.signatures.entries()) {
    const message = await readSignedMessage(bytes);
    if (!message.ok) continue;
    const [verdict] = await verifySignaturePackets([message.signature], message.payload, publicKeys, opts.now ? { now: opts.now } : {});
    if (verdict?.verified) {
      throw new UserError(`signature-${i + 1} of ${digest} is already signed by key ${verdict.keyFingerprint}; not adding a second signature by the same key`, undefined, path.join(dir, signatureDir(ref.path, digest)));
    }
  }

  const now = opts.now ?? new Date();
  const payload = buildPayload(digest, identity, `nixharden ${VERSION}`, Math.floor(now.getTime() / 1000));
  const signature = await signPayload(payload, key, now);
  const target = path.join(dir, signatureDir(ref.path, digest));
  await fs.mkdir(target, { recursive: true });
  const index = await nextFreeIndex(dir, ref.path, digest);
  const file = path.join(target, `signature-${index}`);
  await writeFileAtomic(file, signature, { exclusive: true });
  return { file, index, digest, identity, key: key.getFingerprint().toUpperCase() };
}

async function digestFor(ref: ImageRef, opts: SignImageOptions): Promise<string> {
  if (opts.manifest) {
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(opts.manifest);
    } catch (e) {
      throw new UserError(`cannot read manifest: ${describeFsError(e)}`, undefined, opts.manifest);
    }
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    if (ref.digest !== undefined && ref.digest !== digest) throw new UserError(`the manifest's digest ${digest} is not ${ref.digest}`, undefined, opts.manifest);
    return digest;
  }
  if (ref.digest !== undefined) return ref.digest;
  return (await resolveTag(opts.registry ?? registryBase(ref.domain), ref.path, ref.tag!, opts.http)).digest;
}

async function readSecretKey(file: string, passphraseFile: string | undefined): Promise<openpgp.PrivateKey> {
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (e) {
    throw new UserError(`cannot read key: ${describeFsError(e)}`, undefined, file);
  }
  let key: openpgp.PrivateKey;
  try {
    const text = data.toString('latin1');
    key = text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')
      ? await openpgp.readPrivateKey({ armoredKey: text })
      : await openpgp.readPrivateKey({ binaryKey: new Uint8Array(data) });
  } catch (e) {
    throw new UserError(`not an OpenPGP secret key: ${(e as Error).message.split('\n')[0]}`, undefined, file);
  }
  if (!key.isDecrypted()) {
    if (!passphraseFile) throw new UserError('the key is protected by a passphrase; give --passphrase-file FILE', undefined, file);
    let passphrase: string;
    try {
      passphrase = (await fs.readFile(passphraseFile, 'utf8')).replace(/\r?\n$/, '');
    } catch (e) {
      throw new UserError(`cannot read passphrase: ${describeFsError(e)}`, undefined, passphraseFile);
    }
    try {
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    } catch {
      throw new UserError('wrong passphrase for the key', undefined, file);
    }
  }
  return key;
}
