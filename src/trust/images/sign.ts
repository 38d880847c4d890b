/**
 * Writes a simple-signing signature the way skopeo (through `gpg --sign`)
 * does: a ZIP-compressed packet holding a one-pass signature header, the
 * payload as binary literal data with no file name, and one signature,
 * framed with gpg's packet headers. openpgp.js makes the packets; the
 * framing and compression are gpg's, so `skopeo standalone-verify` reads it
 * exactly as it reads its own.
 */
import { deflateRawSync } from 'node:zlib';
import * as openpgp from 'openpgp';

const { enums } = openpgp;

interface Writable {
  write(): Uint8Array;
}

export async function signPayload(payload: Uint8Array, key: openpgp.PrivateKey, date: Date): Promise<Buffer> {
  const message = await openpgp.createMessage({ binary: payload, format: 'binary', date });
  // No random salt notation: gpg writes none, and the signature needs no more than gpg's subpackets.
  const config = { ...openpgp.config, nonDeterministicSignaturesViaNotation: false };
  const signed = await openpgp.sign({ message, signingKeys: key, format: 'object', date, config });
  const [ops, literal, signature] = [...signed.packets];
  if (!(ops instanceof openpgp.OnePassSignaturePacket) || !(literal instanceof openpgp.LiteralDataPacket) || !(signature instanceof openpgp.SignaturePacket) || signed.packets.length !== 3) {
    throw new Error('openpgp.js produced an unexpected signed message');
  }
  const inner = Buffer.concat([
    oldFormat(enums.packet.onePassSignature, (ops as unknown as Writable).write()),
    newFormat(enums.packet.literalData, (literal as unknown as Writable).write()),
    oldFormat(enums.packet.signature, signature.write()),
  ]);
  // Old-format compressed packet of indeterminate length, algorithm 1 (ZIP: raw deflate), as gpg writes it.
  return Buffer.concat([Buffer.from([0x80 | (enums.packet.compressedData << 2) | 3, enums.compression.zip]), deflateRawSync(inner)]);
}

/** RFC 4880 §4.2.1 old-format header with the shortest definite length. */
function oldFormat(tag: number, body: Uint8Array): Buffer {
  const n = body.length;
  const head =
    n < 0x100
      ? [0x80 | (tag << 2), n]
      : n < 0x10000
        ? [0x80 | (tag << 2) | 1, n >> 8, n & 0xff]
        : [0x80 | (tag << 2) | 2, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(head), body]);
}

/** RFC 4880 §4.2.2 new-format header. */
function newFormat(tag: number, body: Uint8Array): Buffer {
  const n = body.length;
  const head =
    n < 192
      ? [0xc0 | tag, n]
      : n < 8384
        ? [0xc0 | tag, ((n - 192) >> 8) + 192, (n - 192) & 0xff]
        : [0xc0 | tag, 0xff, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from(head), body]);
}
