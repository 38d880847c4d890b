/**
 * Nix's base32: its own alphabet (no e, o, u, t) and the bytes read from the
 * end, least significant bits first. It is NOT RFC 4648 base32.
 */
export const NIX_BASE32_ALPHABET = '0123456789abcdfghijklmnpqrsvwxyz';

const digitValue = new Map<string, number>([...NIX_BASE32_ALPHABET].map((c, i) => [c, i]));

/** Length of the Nix base32 text for `byteLength` bytes (52 for sha256). */
export function nixBase32Length(byteLength: number): number {
  return Math.ceil((byteLength * 8) / 5);
}

export function toNixBase32(bytes: Uint8Array): string {
  const len = nixBase32Length(bytes.length);
  let out = '';
  for (let n = len - 1; n >= 0; n--) {
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    const c = (bytes[i]! >> j) | (i + 1 < bytes.length ? bytes[i + 1]! << (8 - j) : 0);
    out += NIX_BASE32_ALPHABET[c & 0x1f];
  }
  return out;
}

/**
 * Decodes Nix base32 into exactly `byteLength` bytes. Returns undefined for
 * a wrong length, a character outside the alphabet, or set bits beyond the
 * last byte (which Nix also rejects), so callers fail closed.
 */
export function fromNixBase32(text: string, byteLength: number): Buffer | undefined {
  if (text.length !== nixBase32Length(byteLength)) return undefined;
  const out = Buffer.alloc(byteLength);
  for (let n = 0; n < text.length; n++) {
    const digit = digitValue.get(text[text.length - n - 1]!);
    if (digit === undefined) return undefined;
    const b = n * 5;
    const i = b >> 3;
    const j = b & 7;
    out[i] |= (digit << j) & 0xff;
    const carry = digit >> (8 - j);
    if (i + 1 < byteLength) out[i + 1] |= carry;
    else if (carry) return undefined;
  }
  return out;
}
