/**
 * A strict reader for ASCII-armoured OpenPGP signatures. openpgp.js (v6) no
 * longer checks the armour checksum, while gpg (and so git) rejects a block whose
 * CRC-24 does not match; we check it too, so a damaged block is never accepted.
 */

export class ArmorError extends Error {}

const BEGIN = '-----BEGIN PGP SIGNATURE-----';
const END = '-----END PGP SIGNATURE-----';

/** Decodes one armoured signature block to its packet bytes. */
export function dearmorPgpSignature(armored: string): Buffer {
  const lines = armored.split(/\r?\n/).map((l) => l.replace(/[ \t]+$/, ''));
  const start = lines.findIndex((l) => l === BEGIN);
  const end = lines.findIndex((l, i) => i > start && l === END);
  if (start < 0 || end < 0) throw new ArmorError('missing PGP SIGNATURE armour lines');
  if (lines.slice(0, start).some((l) => l.trim() !== '') || lines.slice(end + 1).some((l) => l.trim() !== '')) {
    throw new ArmorError('text outside the PGP SIGNATURE armour');
  }
  let body = lines.slice(start + 1, end);
  // Armour headers ("Version: …", "Comment: …") end at the first empty line.
  const blank = body.indexOf('');
  if (blank >= 0) {
    if (body.slice(0, blank).some((l) => !/^[A-Za-z][A-Za-z0-9-]*: /.test(l))) throw new ArmorError('bad armour header');
    body = body.slice(blank + 1);
  } else if (body.some((l) => /^[A-Za-z][A-Za-z0-9-]*: /.test(l))) {
    throw new ArmorError('armour headers without the blank line after them');
  }
  let checksum: string | undefined;
  if (body.length > 0 && body[body.length - 1]!.startsWith('=')) checksum = body.pop()!.slice(1);
  const b64 = body.join('');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length === 0) throw new ArmorError('invalid base64 in the signature');
  const bytes = Buffer.from(b64, 'base64');
  if (checksum !== undefined) {
    if (!/^[A-Za-z0-9+/]{4}$/.test(checksum)) throw new ArmorError('invalid armour checksum line');
    const want = Buffer.from(checksum, 'base64');
    const got = crc24(bytes);
    if (want.readUIntBE(0, 3) !== got) throw new ArmorError('armour checksum (CRC-24) does not match');
  }
  return bytes;
}

/** RFC 4880 §6.1 CRC-24. */
export function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}
