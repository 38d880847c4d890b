/**
 * A strict reader for ASCII-armoured OpenPGP signatures. openpgp.js (v6) no
 * longer checks the armour checksum, while gpg (and so git) rejects a block whose
 * CRC-24 does not match; we check it too, so a damaged block is never accepted.
 * gpg 2.2 (which git runs) reads base64 until '=' padding or the checksum line: a
 * block with neither makes it read the END line as data and reject the signature, so
 * we refuse that shape too (RFC 9580 v6 signatures aside: they carry no checksum, and
 * gpg 2.2 cannot read them at all).
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
  if (checksum === undefined) {
    // Found by the adversarial commit corpus (docs/reliability.md): we verified such a commit, git did not.
    if (!b64.endsWith('=') && firstPacketVersion(bytes) !== 6) throw new ArmorError('no armour checksum line and no base64 padding: gpg, which git runs, reads the END line as data');
    return bytes;
  }
  if (!/^[A-Za-z0-9+/]{4}$/.test(checksum)) throw new ArmorError('invalid armour checksum line');
  if (Buffer.from(checksum, 'base64').readUIntBE(0, 3) !== crc24(bytes)) throw new ArmorError('armour checksum (CRC-24) does not match');
  return bytes;
}

/** The version octet of the first packet's body (RFC 9580 §4.2 headers), if there is one. */
function firstPacketVersion(b: Buffer): number | undefined {
  const head = b[0] ?? 0;
  if (head & 0x40) {
    const l0 = b[1] ?? 0;
    return b[l0 < 192 ? 2 : l0 < 224 ? 3 : l0 === 255 ? 6 : 2];
  }
  return b[1 + ([1, 2, 4][head & 3] ?? 0)];
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
