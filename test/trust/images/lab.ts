/**
 * Container image signing lab for tests: manifests with their digests, gpg
 * keys in a throw-away GNUPGHOME, and skopeo as the signing and verifying
 * oracle (`standalone-sign`, `standalone-verify`). Synchronous, one temp root.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { run, SigningLab, type GpgHome, type GpgKey } from '../../helpers/signing.js';
import { loadKeySet, type KeySet } from '../../../src/trust/signatures/keyset.js';

export interface Manifest {
  file: string;
  bytes: Buffer;
  digest: string;
}

export class ImageLab {
  readonly lab = new SigningLab();
  readonly home: GpgHome;
  private n = 0;

  constructor() {
    this.home = this.lab.gpgHome();
  }

  get root(): string {
    return this.lab.root;
  }

  /** A distinct (tiny, schema 2-shaped) manifest file and its sha256 digest. */
  manifest(seed = `m${this.n++}`): Manifest {
    const bytes = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', annotations: { seed } }));
    const file = path.join(this.root, `manifest-${seed}.json`);
    fs.writeFileSync(file, bytes);
    return { file, bytes, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
  }

  /** `skopeo standalone-sign` by exactly `signingFingerprint` (a subkey when it has one). */
  skopeoSign(key: GpgKey, manifest: Manifest, identity: string): Buffer {
    const out = path.join(this.root, `sig-${this.n++}`);
    run('skopeo', ['standalone-sign', '-o', out, manifest.file, identity, `${key.signingFingerprint}!`], { env: key.home.env });
    return fs.readFileSync(out);
  }

  /** `skopeo standalone-verify` against a keyring of exactly `trusted`: true when it accepts. */
  skopeoVerify(trusted: Buffer, manifest: Manifest, identity: string, fingerprint: string, signature: Buffer): boolean {
    const home = this.lab.verifyHome(trusted);
    const sig = path.join(this.root, `check-${this.n++}`);
    fs.writeFileSync(sig, signature);
    const r = run('skopeo', ['standalone-verify', manifest.file, identity, fingerprint, sig], { env: home.env, check: false });
    return r.status === 0;
  }

  /** The armored secret key, as `nixharden sign image --key` reads it. */
  secretKey(key: GpgKey): string {
    return key.home.gpg(['--armor', '--export-secret-keys', key.fingerprint]).stdout;
  }

  async keySet(keys: GpgKey[]): Promise<KeySet> {
    return loadKeySet({ armoredKeys: keys.map((k) => k.home.exportPublic([k], { armor: true }).toString()) });
  }

  async privateKey(key: GpgKey): Promise<openpgp.PrivateKey> {
    return openpgp.readPrivateKey({ armoredKey: this.secretKey(key) });
  }

  cleanup(): void {
    this.lab.cleanup();
  }
}

/** `gpg --sign` (what skopeo runs through gpgme): compressed one-pass signed message over `payload`. */
export function gpgSign(key: GpgKey, payload: Buffer, opts: { fakedTime?: Date } = {}): Buffer {
  return key.home.gpg(['--sign', '--compress-algo', 'zip', '--digest-algo', 'SHA256', '--local-user', `${key.signingFingerprint}!`], { input: payload, ...opts }).stdoutBuf;
}
