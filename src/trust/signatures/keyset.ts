/**
 * The set of keys a user trusts: OpenPGP certificates (armored or binary, a file
 * may hold several) and SSH keys (allowed-signers files, public key lines),
 * indexed the way signatures name their signer.
 */
import { readFile } from 'node:fs/promises';
import * as openpgp from 'openpgp';
import { UserError } from '../../core/errors.js';
import { describeFsError } from '../../core/fs.js';
import { parseAllowedSigners, type AllowedSigner } from './ssh/allowed-signers.js';
import { parseSshPublicKeyText, SshFormatError } from './ssh/keys.js';
import { PERMISSIVE_CONFIG } from './openpgp/config.js';

export interface OpenPgpCert {
  key: openpgp.PublicKey;
  /** Primary key fingerprint, upper-case hex. */
  fingerprint: string;
  /** Where it came from (file path or `armoredKeys[i]`). */
  source: string;
}

export interface KeySet {
  /** Every certificate, in load order. */
  openpgp: OpenPgpCert[];
  /** Upper-case hex fingerprint or 16-digit key id of a primary key or subkey → certificates holding it. */
  openpgpIndex: Map<string, OpenPgpCert[]>;
  /** Every allowed SSH signer entry, in load order. */
  ssh: AllowedSigner[];
  /** `SHA256:…` fingerprint → entries for that key (one key may appear on several lines). */
  sshIndex: Map<string, AllowedSigner[]>;
  /** Certificates that could not be read and were left out (fail closed: they verify nothing). */
  warnings: string[];
}

export interface KeySetSources {
  /** Files holding OpenPGP certificates: armored blocks or binary packets (gpg --export). */
  keyrings?: string[];
  /** An allowed-signers file (git's gpg.ssh.allowedSignersFile). */
  allowedSigners?: string;
  /** Armored (or binary) OpenPGP certificates given directly. */
  armoredKeys?: (string | Uint8Array)[];
  /** OpenSSH public key lines (`keytype base64 [comment]`), trusted for any principal. */
  sshPublicKeys?: string[];
}

export function emptyKeySet(): KeySet {
  return { openpgp: [], openpgpIndex: new Map(), ssh: [], sshIndex: new Map(), warnings: [] };
}

export async function loadKeySet(opts: KeySetSources): Promise<KeySet> {
  const set = emptyKeySet();
  for (const file of opts.keyrings ?? []) {
    const data = await readInput(file);
    const added = await addOpenPgpData(set, data, file);
    if (added === 0) throw new UserError('no OpenPGP certificate could be read from this file', 2, file);
  }
  for (const [i, data] of (opts.armoredKeys ?? []).entries()) {
    const label = `armoredKeys[${i}]`;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    const added = await addOpenPgpData(set, bytes, label);
    if (added === 0) throw new UserError(`no OpenPGP certificate could be read from ${label}`);
  }
  if (opts.allowedSigners !== undefined) {
    const text = (await readInput(opts.allowedSigners)).toString('utf8');
    for (const entry of parseAllowedSigners(text, opts.allowedSigners)) addSshEntry(set, entry);
  }
  for (const [i, line] of (opts.sshPublicKeys ?? []).entries()) {
    try {
      const key = parseSshPublicKeyText(line);
      addSshEntry(set, { principals: ['*'], options: { certAuthority: false }, key, source: `sshPublicKeys[${i}]`, line: 1 });
    } catch (e) {
      const why = e instanceof SshFormatError ? e.message : (e as Error).message;
      throw new UserError(`sshPublicKeys[${i}]: ${why}`);
    }
  }
  return set;
}

async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw new UserError(`cannot read: ${describeFsError(e)}`, 2, file);
  }
}

const ARMOR_BLOCK = /-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----[\s\S]*?-----END PGP \1 KEY BLOCK-----/g;

/** Adds every certificate found in `data`; returns how many. Unreadable ones become warnings. */
export async function addOpenPgpData(set: KeySet, data: Buffer, source: string): Promise<number> {
  // Binary OpenPGP starts with a packet tag (high bit set); anything else is read as armour.
  const binary = data.length > 0 && (data[0]! & 0x80) !== 0;
  const blocks = binary ? null : (data.toString('latin1').match(ARMOR_BLOCK) ?? []);
  if (data.subarray(0, 16).toString('latin1').includes('KBXf')) {
    throw new UserError('this is a GnuPG keybox (pubring.kbx); export it with `gpg --export > keys.gpg`', 2, source);
  }
  let added = 0;
  const inputs: ({ armoredKeys: string } | { binaryKeys: Uint8Array })[] = blocks
    ? blocks.map((b) => ({ armoredKeys: b }))
    : splitBinaryCertificates(data).map((c) => ({ binaryKeys: new Uint8Array(c) }));
  for (const input of inputs) {
    let keys: openpgp.Key[];
    try {
      keys =
        'armoredKeys' in input
          ? await openpgp.readKeys({ armoredKeys: input.armoredKeys, config: PERMISSIVE_CONFIG })
          : await openpgp.readKeys({ binaryKeys: input.binaryKeys, config: PERMISSIVE_CONFIG });
    } catch (e) {
      set.warnings.push(`${source}: unreadable OpenPGP data: ${(e as Error).message}`);
      continue;
    }
    for (const key of keys) {
      addCert(set, { key: key.isPrivate() ? key.toPublic() : key, fingerprint: key.getFingerprint().toUpperCase(), source });
      added++;
    }
  }
  return added;
}

/**
 * Cuts a binary keyring (gpg --export) into one chunk per certificate, at each
 * primary-key packet, so that one unreadable certificate does not hide the rest.
 * Packet framing per RFC 4880 §4.2; anything unexpected leaves the rest as one chunk.
 */
export function splitBinaryCertificates(data: Buffer): Buffer[] {
  const starts: number[] = [];
  let pos = 0;
  while (pos < data.length) {
    const head = data[pos]!;
    if ((head & 0x80) === 0) break;
    let tag: number;
    let len: number;
    let hdr: number;
    if (head & 0x40) {
      tag = head & 0x3f;
      const l0 = data[pos + 1];
      if (l0 === undefined) break;
      if (l0 < 192) [len, hdr] = [l0, 2];
      else if (l0 < 224) [len, hdr] = [((l0 - 192) << 8) + (data[pos + 2] ?? 0) + 192, 3];
      else if (l0 === 255 && pos + 6 <= data.length) [len, hdr] = [data.readUInt32BE(pos + 2), 6];
      else break; // partial lengths never occur in keys
    } else {
      tag = (head >> 2) & 0x0f;
      const t = head & 3;
      if (t === 3) break;
      const n = [1, 2, 4][t]!;
      if (pos + 1 + n > data.length) break;
      [len, hdr] = [data.readUIntBE(pos + 1, n), 1 + n];
    }
    if (tag === 6 || tag === 5) starts.push(pos);
    pos += hdr + len;
  }
  if (starts.length === 0) return [data];
  if (starts[0] !== 0) starts.unshift(0);
  return starts.map((s, i) => data.subarray(s, starts[i + 1] ?? data.length));
}

export function addCert(set: KeySet, cert: OpenPgpCert): void {
  set.openpgp.push(cert);
  for (const k of cert.key.getKeys()) {
    for (const id of [k.getFingerprint().toUpperCase(), k.getKeyID().toHex().toUpperCase()]) {
      const list = set.openpgpIndex.get(id) ?? [];
      if (!list.includes(cert)) list.push(cert);
      set.openpgpIndex.set(id, list);
    }
  }
}

export function addSshEntry(set: KeySet, entry: AllowedSigner): void {
  set.ssh.push(entry);
  const list = set.sshIndex.get(entry.key.fingerprint) ?? [];
  list.push(entry);
  set.sshIndex.set(entry.key.fingerprint, list);
}

/** Certificates that hold a key with this fingerprint or key id (hex, any case). */
export function findOpenPgpCerts(set: KeySet, fingerprintOrKeyId: string): OpenPgpCert[] {
  return set.openpgpIndex.get(fingerprintOrKeyId.toUpperCase()) ?? [];
}
