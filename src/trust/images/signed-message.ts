/**
 * Reads a simple-signing signature file: a binary OpenPGP signed message
 * (`gpg --sign`, what skopeo writes), optionally compressed, holding the JSON
 * payload as literal data and exactly one signature, as containers/image
 * requires. Only that shape is accepted: encrypted data, several literals,
 * nested compression or a one-pass header that does not describe its
 * signature are malformed (fail closed).
 */
import * as openpgp from 'openpgp';
import { PERMISSIVE_CONFIG } from '../signatures/openpgp/config.js';

const { enums } = openpgp;

/** Signature files are a few hundred bytes; a larger payload is not a signature. */
export const MAX_PAYLOAD_BYTES = 1024 * 1024;

const READ_CONFIG: openpgp.Config = { ...PERMISSIVE_CONFIG, ignoreUnsupportedPackets: false, ignoreMalformedPackets: false, maxDecompressedMessageSize: MAX_PAYLOAD_BYTES };

export type SignedMessage =
  | { ok: true; payload: Uint8Array; signature: openpgp.SignaturePacket }
  | { ok: false; detail: string };

export async function readSignedMessage(bytes: Uint8Array): Promise<SignedMessage> {
  const fail = (detail: string): SignedMessage => ({ ok: false, detail });
  if (bytes.length === 0) return fail('empty signature file');
  if (bytes[0]! < 0x80) return fail('not a binary OpenPGP message');
  let list: openpgp.AnyPacket[];
  try {
    const message = await openpgp.readMessage({ binaryMessage: bytes, config: READ_CONFIG });
    list = await allPackets(message.packets);
    if (list.length === 1 && list[0] instanceof openpgp.CompressedDataPacket) {
      list = await allPackets((list[0] as unknown as { packets: openpgp.PacketList<openpgp.AnyPacket> }).packets);
    }
  } catch (e) {
    return fail(`unreadable OpenPGP message: ${oneLine(e)}`);
  }
  const literals = list.filter((p): p is openpgp.LiteralDataPacket => p instanceof openpgp.LiteralDataPacket);
  const sigs = list.filter((p): p is openpgp.SignaturePacket => p instanceof openpgp.SignaturePacket);
  const onePass = list.filter((p): p is openpgp.OnePassSignaturePacket => p instanceof openpgp.OnePassSignaturePacket);
  const other = list.length - literals.length - sigs.length - onePass.length;
  if (other > 0) return fail(`unexpected OpenPGP packets in a signature (${list.map((p) => packetName(p)).join(', ')})`);
  if (literals.length !== 1) return fail(`${literals.length} literal data packets (expected exactly 1)`);
  if (sigs.length !== 1) return fail(`${sigs.length} signatures in one message (containers accepts exactly 1)`);
  const sig = sigs[0]!;
  const literalAt = list.indexOf(literals[0]!);
  // Either one-pass form (OPS, literal, signature) or the older prefix form (signature, literal).
  if (onePass.length === 1) {
    if (list.length !== 3 || list[0] !== onePass[0] || literalAt !== 1 || list[2] !== sig) return fail('one-pass signed message out of order');
    const ops = onePass[0] as unknown as Pick<openpgp.SignaturePacket, 'signatureType' | 'hashAlgorithm' | 'publicKeyAlgorithm' | 'issuerKeyID'>;
    if (ops.signatureType !== sig.signatureType || ops.hashAlgorithm !== sig.hashAlgorithm || ops.publicKeyAlgorithm !== sig.publicKeyAlgorithm || !ops.issuerKeyID.equals(sig.issuerKeyID)) {
      return fail('the one-pass header does not describe its signature');
    }
  } else if (onePass.length === 0) {
    if (list.length !== 2 || list[0] !== sig || literalAt !== 1) return fail('signed message out of order');
  } else return fail(`${onePass.length} one-pass headers (expected 1)`);
  let payload: Uint8Array;
  try {
    const data = (literals[0] as unknown as { getBytes(): unknown }).getBytes();
    if (!(data instanceof Uint8Array)) return fail('streamed literal data');
    payload = data;
  } catch (e) {
    return fail(`unreadable literal data: ${oneLine(e)}`);
  }
  if (payload.length > MAX_PAYLOAD_BYTES) return fail(`payload of ${payload.length} bytes is too large for a signature`);
  return { ok: true, payload, signature: sig };
}

/**
 * openpgp.js stops at literal data and leaves the packets after it (a one-pass
 * message's signature) in `packets.stream`; read them too.
 */
async function allPackets(packets: openpgp.PacketList<openpgp.AnyPacket>): Promise<openpgp.AnyPacket[]> {
  const out = [...packets];
  const rest = (packets as unknown as { stream?: { getReader(): { read(): Promise<{ done: boolean; value?: openpgp.AnyPacket }> } } }).stream;
  if (rest && typeof rest.getReader === 'function') {
    const reader = rest.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value) out.push(value);
    }
  }
  return out;
}

function packetName(p: openpgp.AnyPacket): string {
  try {
    return enums.read(enums.packet, (p.constructor as unknown as { tag: number }).tag);
  } catch {
    return 'unknown';
  }
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
}
