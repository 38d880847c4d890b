/**
 * A direct reader for the common shape of a detached signature: one or more
 * complete signature packets (tag 2) with definite lengths, nothing else. It
 * hands each packet body to openpgp.js's own `SignaturePacket.read`, skipping
 * only the stream machinery of `readSignature`, which costs as much as checking
 * the signature itself.
 *
 * Anything else (other packet tags, partial or indeterminate lengths, truncated
 * or trailing bytes, a packet openpgp.js cannot read) gives `undefined`, and the
 * caller uses `openpgp.readSignature`, so unusual input is judged exactly as before.
 */
import * as openpgp from 'openpgp';

const SIGNATURE_TAG = 2;

/** The signature packets of `binary`, or undefined when it is not the plain shape described above. */
export function readSignaturePacketsDirect(binary: Uint8Array, config: openpgp.Config): openpgp.SignaturePacket[] | undefined {
  const out: openpgp.SignaturePacket[] = [];
  let pos = 0;
  while (pos < binary.length) {
    const frame = packetFrame(binary, pos);
    if (!frame || frame.tag !== SIGNATURE_TAG) return undefined;
    const packet = new openpgp.SignaturePacket();
    try {
      // The typings omit `read`'s second parameter; openpgp.js passes the config the same way.
      (packet as unknown as { read(bytes: Uint8Array, config: openpgp.Config): void }).read(binary.subarray(frame.bodyStart, frame.end), config);
    } catch {
      return undefined;
    }
    out.push(packet);
    pos = frame.end;
  }
  return out.length > 0 ? out : undefined;
}

/** RFC 4880 §4.2 / RFC 9580 §4.2 packet header at `pos`; undefined for shapes left to openpgp.js. */
function packetFrame(b: Uint8Array, pos: number): { tag: number; bodyStart: number; end: number } | undefined {
  const head = b[pos]!;
  if ((head & 0x80) === 0) return undefined;
  let tag: number;
  let len: number;
  let hdr: number;
  if (head & 0x40) {
    tag = head & 0x3f;
    const l0 = b[pos + 1];
    if (l0 === undefined) return undefined;
    if (l0 < 192) [len, hdr] = [l0, 2];
    else if (l0 < 224) {
      const l1 = b[pos + 2];
      if (l1 === undefined) return undefined;
      [len, hdr] = [((l0 - 192) << 8) + l1 + 192, 3];
    } else if (l0 === 255) {
      if (pos + 6 > b.length) return undefined;
      [len, hdr] = [((b[pos + 2]! << 24) | (b[pos + 3]! << 16) | (b[pos + 4]! << 8) | b[pos + 5]!) >>> 0, 6];
    } else return undefined; // partial body length
  } else {
    tag = (head & 0x3f) >> 2;
    const type = head & 3;
    if (type === 3) return undefined; // indeterminate length
    const n = [1, 2, 4][type]!;
    if (pos + 1 + n > b.length) return undefined;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[pos + 1 + i]!;
    hdr = 1 + n;
  }
  const end = pos + hdr + len;
  if (len === 0 || end > b.length) return undefined;
  return { tag, bodyStart: pos + hdr, end };
}

/**
 * Whether every signature packet's subpackets end exactly where their area's declared
 * length says. openpgp.js reads a subpacket that runs past its area (and carries on
 * after it), so a damaged length still verifies there; gpg, and so git, refuses the
 * packet. Found by the fuzzing campaign (docs/reliability.md). Packets in shapes
 * `packetFrame` leaves to openpgp.js are not looked into.
 */
export function subpacketAreasFit(binary: Uint8Array): boolean {
  let pos = 0;
  while (pos < binary.length) {
    const frame = packetFrame(binary, pos);
    if (!frame) return true;
    if (frame.tag === SIGNATURE_TAG && !areasFit(binary.subarray(frame.bodyStart, frame.end))) return false;
    pos = frame.end;
  }
  return true;
}

function areasFit(body: Uint8Array): boolean {
  const version = body[0];
  if (version !== 4 && version !== 5 && version !== 6) return true; // v3 has no subpackets
  const countBytes = version === 6 ? 4 : 2;
  let pos = 4;
  for (let area = 0; area < 2; area++) {
    if (pos + countBytes > body.length) return false;
    let length = 0;
    for (let i = 0; i < countBytes; i++) length = length * 256 + body[pos + i]!;
    pos += countBytes;
    const end = pos + length;
    if (end > body.length) return false;
    while (pos < end) {
      const l0 = body[pos]!;
      if (l0 < 192) pos += 1 + l0;
      else if (l0 < 255) pos += 2 + ((l0 - 192) << 8) + (body[pos + 1] ?? 0) + 192;
      else pos += 5 + (((body[pos + 1] ?? 0) << 24) | ((body[pos + 2] ?? 0) << 16) | ((body[pos + 3] ?? 0) << 8) | (body[pos + 4] ?? 0)) >>> 0;
    }
    if (pos !== end) return false;
  }
  return true;
}
