/**
 * The containers "atomic container signature" payload (simple signing), read
 * as strictly as containers/image reads it: exactly `critical` and `optional`
 * at the top, exactly `type`, `image` and `identity` in `critical`, no
 * duplicate key anywhere, and the right JSON types. Older shapes (a JSON
 * array, another `type`, a digest that is not `sha256:`) are "non-standard":
 * reported, never counted.
 */
import { UserError } from '../../core/errors.js';
import { parseJsonWithPositions, type JsonNode } from '../../syntax/json-positions.js';

export const SIGNATURE_TYPE = 'atomic container signature';

export type PayloadResult =
  | { ok: true; digest: string; identity: string; creator?: string; timestamp?: number }
  | { ok: false; reason: 'non-standard' | 'malformed'; detail: string };

const SHA256_DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Parses a signed payload; never throws. */
export function parsePayload(bytes: Uint8Array): PayloadResult {
  const malformed = (detail: string): PayloadResult => ({ ok: false, reason: 'malformed', detail });
  const nonStandard = (detail: string): PayloadResult => ({ ok: false, reason: 'non-standard', detail });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return malformed('payload is not UTF-8');
  }
  let root: JsonNode;
  try {
    root = parseJsonWithPositions(text, 'payload');
  } catch (e) {
    return malformed(`payload is not JSON: ${e instanceof UserError ? e.message : String(e)}`);
  }
  if (root.type === 'array') return nonStandard('payload is a JSON array (a legacy signature format)');
  const top = exactObject(root, ['critical', 'optional']);
  if (typeof top === 'string') return malformed(`payload: ${top}`);

  const critical = exactObject(top.critical!, ['type', 'image', 'identity']);
  if (typeof critical === 'string') {
    // An object with a different set of fields might still be another tool's format: only the type decides.
    const type = top.critical!.type === 'object' ? top.critical!.entries.find((e) => e.key === 'type')?.value : undefined;
    if (type?.type === 'string' && type.value !== SIGNATURE_TYPE) return nonStandard(`critical.type is ${JSON.stringify(type.value)}, not "${SIGNATURE_TYPE}"`);
    return malformed(`critical: ${critical}`);
  }
  if (critical.type!.type !== 'string') return malformed('critical.type is not a string');
  if (critical.type!.value !== SIGNATURE_TYPE) return nonStandard(`critical.type is ${JSON.stringify(critical.type!.value)}, not "${SIGNATURE_TYPE}"`);

  const image = exactObject(critical.image!, ['docker-manifest-digest']);
  if (typeof image === 'string') return malformed(`critical.image: ${image}`);
  const digest = image['docker-manifest-digest']!;
  if (digest.type !== 'string') return malformed('critical.image.docker-manifest-digest is not a string');
  if (!SHA256_DIGEST.test(digest.value)) return nonStandard(`docker-manifest-digest ${JSON.stringify(digest.value)} is not a sha256: digest`);

  const identity = exactObject(critical.identity!, ['docker-reference']);
  if (typeof identity === 'string') return malformed(`critical.identity: ${identity}`);
  const ref = identity['docker-reference']!;
  if (ref.type !== 'string') return malformed('critical.identity.docker-reference is not a string');

  // `optional` may hold anything, but the two fields containers reads must have their types.
  const optional = top.optional!;
  if (optional.type !== 'object') return malformed('optional is not an object');
  const dup = duplicateKey(optional);
  if (dup) return malformed(`optional: duplicate key "${dup}"`);
  let creator: string | undefined;
  let timestamp: number | undefined;
  for (const e of optional.entries) {
    if (e.key === 'creator') {
      if (e.value.type !== 'string') return malformed('optional.creator is not a string');
      creator = e.value.value;
    } else if (e.key === 'timestamp') {
      if (e.value.type !== 'number' || !Number.isInteger(e.value.value)) return malformed('optional.timestamp is not an integer');
      timestamp = e.value.value;
    } else if (deepDuplicate(e.value)) return malformed(`optional.${e.key}: duplicate key`);
  }
  return { ok: true, digest: digest.value, identity: ref.value, ...(creator !== undefined ? { creator } : {}), ...(timestamp !== undefined ? { timestamp } : {}) };
}

/** The object's members when it has exactly `fields`, each once; else why not. */
function exactObject(node: JsonNode, fields: string[]): Record<string, JsonNode> | string {
  if (node.type !== 'object') return 'not a JSON object';
  const out: Record<string, JsonNode> = {};
  for (const e of node.entries) {
    if (!fields.includes(e.key)) return `unknown field "${e.key}"`;
    if (e.key in out) return `duplicate key "${e.key}"`;
    out[e.key] = e.value;
  }
  const missing = fields.find((f) => !(f in out));
  return missing ? `missing field "${missing}"` : out;
}

function duplicateKey(node: JsonNode & { type: 'object' }): string | undefined {
  const seen = new Set<string>();
  for (const e of node.entries) {
    if (seen.has(e.key)) return e.key;
    seen.add(e.key);
  }
  return undefined;
}

/** A duplicate key at any depth: JSON parsers disagree on which one wins, so none is accepted. */
function deepDuplicate(node: JsonNode): boolean {
  if (node.type === 'array') return node.items.some(deepDuplicate);
  if (node.type !== 'object') return false;
  return duplicateKey(node) !== undefined || node.entries.some((e) => deepDuplicate(e.value));
}

/** The payload containers writes for `digest` signed as `identity`. */
export function buildPayload(digest: string, identity: string, creator: string, timestamp: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      critical: { identity: { 'docker-reference': identity }, image: { 'docker-manifest-digest': digest }, type: SIGNATURE_TYPE },
      optional: { creator, timestamp },
    }),
    'utf8',
  );
}
