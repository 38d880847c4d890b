/**
 * Parse raw git commit and tag objects (the bytes `git cat-file commit|tag REV`
 * prints) and extract the exact bytes a signature covers, the way git does it
 * (commit.c parse_buffer_signed_by_header, gpg-interface.c parse_signed_buffer).
 */
import type { GitObject } from './types.js';
import { FULL_COMMIT_ID as OID_RE } from '../../core/commit-id.js';

/** The object cannot be a git object; callers map this to verdict `malformed`. */
export class MalformedObjectError extends Error {
  constructor(readonly reason: string) {
    super(`malformed git object: ${reason}`);
    this.name = 'MalformedObjectError';
  }
}

/** Headers that carry a signature over the rest of a commit. */
export const SIGNATURE_HEADERS = ['gpgsig', 'gpgsig-sha256'] as const;

/** Line prefixes that start a signature block (git's known signature formats). */
export const SIGNATURE_BEGIN_MARKERS = [
  '-----BEGIN PGP SIGNATURE-----',
  '-----BEGIN PGP MESSAGE-----',
  '-----BEGIN SIGNED MESSAGE-----',
  '-----BEGIN SSH SIGNATURE-----',
] as const;

const NL = 0x0a;
// Loose on purpose: real histories hold odd identities that git still verifies.
const IDENT_RE = /<[^>\n]*>/;

/**
 * Parses a commit or tag. `raw` may also carry the loose-object prefix
 * (`commit 123\0`), in which case its type and size are checked.
 * Throws MalformedObjectError for anything git would not accept as that object.
 */
export function parseGitObject(raw: Buffer, type?: 'commit' | 'tag', oid?: string): GitObject {
  if (!Buffer.isBuffer(raw)) throw new MalformedObjectError('not a byte buffer');
  const { body, prefixedType } = stripLooseHeader(raw);
  const objectType = type ?? prefixedType ?? sniffType(body);
  if (prefixedType && type && prefixedType !== type) {
    throw new MalformedObjectError(`object is a ${prefixedType}, expected a ${type}`);
  }
  if (oid !== undefined && !OID_RE.test(oid)) throw new MalformedObjectError(`bad object id ${JSON.stringify(oid)}`);

  const { headers, headerEnd } = splitHeaders(body);
  const message = body.subarray(headerEnd).toString('utf8');
  const obj: GitObject = {
    type: objectType,
    ...(oid !== undefined ? { oid } : {}),
    headers,
    message,
    parents: [],
    signatures: [],
    payload: Buffer.alloc(0),
    raw: body,
  };
  if (objectType === 'commit') {
    checkCommitHeaders(headers, obj);
    obj.signatures = signatureHeaders(headers);
    obj.payload = commitPayload(body);
  } else {
    checkTagHeaders(headers, obj);
    const { payload, signature } = tagPayload(body, headerEnd);
    obj.payload = payload;
    if (signature !== undefined) obj.signatures.push({ header: 'tag', armored: signature });
    // A sha256 repo's compatibility signature of a tag lives in a header.
    obj.signatures.push(...signatureHeaders(headers));
  }
  return obj;
}

/** Hash algorithm of the repository an object comes from, judged by its ids. */
export function objectHashAlgorithm(obj: GitObject): 'sha1' | 'sha256' {
  const id = obj.oid ?? obj.tree ?? obj.headers.find((h) => h.name === 'object')?.value ?? '';
  return id.length === 64 ? 'sha256' : 'sha1';
}

/** Which header git itself would verify for a commit in a repository of that hash. */
export function primarySignatureHeader(obj: GitObject): string {
  if (obj.type === 'tag') return 'tag';
  return objectHashAlgorithm(obj) === 'sha256' ? 'gpgsig-sha256' : 'gpgsig';
}

/** The signature format a block of armour announces. */
export function signatureFormatOf(armored: string): 'openpgp' | 'ssh' | 'x509' | 'unknown' {
  const first = armored.trimStart();
  if (first.startsWith('-----BEGIN PGP SIGNATURE-----') || first.startsWith('-----BEGIN PGP MESSAGE-----')) return 'openpgp';
  if (first.startsWith('-----BEGIN SSH SIGNATURE-----')) return 'ssh';
  if (first.startsWith('-----BEGIN SIGNED MESSAGE-----')) return 'x509';
  return 'unknown';
}

/**
 * Signature headers, one entry per header name. A repeated header is joined into
 * one block, as git joins it before handing it to gpg/ssh-keygen, so a commit
 * with two `gpgsig` headers is judged as git judges it (not as two signatures).
 */
function signatureHeaders(headers: { name: string; value: string }[]): { header: string; armored: string }[] {
  const byName = new Map<string, string>();
  for (const h of headers) {
    if ((SIGNATURE_HEADERS as readonly string[]).includes(h.name)) byName.set(h.name, `${byName.get(h.name) ?? ''}${h.value}\n`);
  }
  return [...byName].map(([header, armored]) => ({ header, armored }));
}

function stripLooseHeader(raw: Buffer): { body: Buffer; prefixedType?: 'commit' | 'tag' } {
  const nul = raw.indexOf(0);
  if (nul < 0 || nul > 32) return { body: raw };
  const m = /^(commit|tag|tree|blob) (\d+)$/.exec(raw.subarray(0, nul).toString('latin1'));
  if (!m) return { body: raw };
  if (m[1] !== 'commit' && m[1] !== 'tag') throw new MalformedObjectError(`a ${m[1]} object has no signature`);
  const body = raw.subarray(nul + 1);
  if (Number(m[2]) !== body.length) throw new MalformedObjectError(`size ${m[2]} in the object header, but ${body.length} bytes follow`);
  return { body, prefixedType: m[1] };
}

function sniffType(body: Buffer): 'commit' | 'tag' {
  if (body.subarray(0, 5).toString('latin1') === 'tree ') return 'commit';
  if (body.subarray(0, 7).toString('latin1') === 'object ') return 'tag';
  throw new MalformedObjectError('neither a commit (tree …) nor a tag (object …)');
}

/** Header lines up to the first empty line; continuation lines (leading space) join with '\n'. */
function splitHeaders(body: Buffer): { headers: { name: string; value: string }[]; headerEnd: number } {
  const headers: { name: string; value: string }[] = [];
  let pos = 0;
  for (;;) {
    if (pos >= body.length) {
      // git always writes the blank separator line; an object that ends inside its headers is truncated.
      throw new MalformedObjectError('no blank line between headers and message');
    }
    const eol = body.indexOf(NL, pos);
    if (eol < 0) throw new MalformedObjectError(`header line ${headers.length + 1} is not terminated`);
    const lineBuf = body.subarray(pos, eol);
    pos = eol + 1;
    if (lineBuf.length === 0) return { headers, headerEnd: pos };
    if (lineBuf.includes(0)) throw new MalformedObjectError('NUL byte in the headers');
    const line = lineBuf.toString('utf8');
    if (line.startsWith(' ')) {
      const last = headers[headers.length - 1];
      if (!last) throw new MalformedObjectError('continuation line before any header');
      last.value += `\n${line.slice(1)}`;
      continue;
    }
    const sp = line.indexOf(' ');
    if (sp <= 0) throw new MalformedObjectError(`header line without a value: ${JSON.stringify(line.slice(0, 40))}`);
    headers.push({ name: line.slice(0, sp), value: line.slice(sp + 1) });
  }
}

function checkCommitHeaders(headers: { name: string; value: string }[], obj: GitObject): void {
  // Order as git's fsck demands it: tree, parents, author, committer, then anything.
  const [tree, ...rest] = headers;
  if (!tree || tree.name !== 'tree' || !OID_RE.test(tree.value)) throw new MalformedObjectError('commit does not start with a valid tree line');
  obj.tree = tree.value;
  let i = 0;
  while (rest[i]?.name === 'parent') {
    const p = rest[i]!.value;
    if (!OID_RE.test(p) || p.length !== tree.value.length) throw new MalformedObjectError(`bad parent ${JSON.stringify(p)}`);
    obj.parents.push(p);
    i++;
  }
  const author = rest[i];
  if (author?.name !== 'author' || !IDENT_RE.test(author.value)) throw new MalformedObjectError('missing or bad author line');
  obj.author = author.value;
  const committer = rest[i + 1];
  if (committer?.name !== 'committer' || !IDENT_RE.test(committer.value)) throw new MalformedObjectError('missing or bad committer line');
  obj.committer = committer.value;
  for (const h of rest.slice(i + 2)) {
    if (h.name === 'tree' || h.name === 'parent' || h.name === 'author' || h.name === 'committer') {
      throw new MalformedObjectError(`${h.name} line out of order`);
    }
  }
  if (obj.oid && obj.oid.length !== tree.value.length) throw new MalformedObjectError('object id and tree id use different hashes');
}

function checkTagHeaders(headers: { name: string; value: string }[], obj: GitObject): void {
  const [object, type, tag, tagger] = headers;
  if (object?.name !== 'object' || !OID_RE.test(object.value)) throw new MalformedObjectError('tag does not start with a valid object line');
  if (type?.name !== 'type' || !/^(commit|tree|blob|tag)$/.test(type.value)) throw new MalformedObjectError('missing or bad type line');
  if (tag?.name !== 'tag' || tag.value.length === 0) throw new MalformedObjectError('missing or bad tag line');
  // Very old tags have no tagger; when present it must be a valid identity.
  if (tagger?.name === 'tagger') {
    if (!IDENT_RE.test(tagger.value)) throw new MalformedObjectError('bad tagger line');
    obj.committer = tagger.value;
  }
}

/**
 * The bytes a commit signature covers: everything except headers whose name
 * starts with "gpgsig" and their continuation lines (git drops the other hash's
 * signature too, so both signatures cover the same payload).
 */
function commitPayload(body: Buffer): Buffer {
  const kept: Buffer[] = [];
  let pos = 0;
  let dropping = false;
  while (pos < body.length) {
    const eol = body.indexOf(NL, pos);
    const next = eol < 0 ? body.length : eol + 1;
    if (body[pos] === NL) {
      kept.push(body.subarray(pos));
      break;
    }
    if (dropping && body[pos] === 0x20) {
      pos = next;
      continue;
    }
    dropping = body.subarray(pos, pos + 6).toString('latin1') === 'gpgsig';
    if (!dropping) kept.push(body.subarray(pos, next));
    pos = next;
  }
  return Buffer.concat(kept);
}

/** A tag's signature is the last block starting with a known marker; the payload is what precedes it. */
function tagPayload(body: Buffer, headerEnd: number): { payload: Buffer; signature?: string } {
  let match = -1;
  let pos = headerEnd;
  while (pos < body.length) {
    const eol = body.indexOf(NL, pos);
    const next = eol < 0 ? body.length : eol + 1;
    const start = body.subarray(pos, Math.min(body.length, pos + 40)).toString('latin1');
    if (SIGNATURE_BEGIN_MARKERS.some((m) => start.startsWith(m))) match = pos;
    pos = next;
  }
  if (match < 0) return { payload: commitPayload(body) };
  return { payload: commitPayload(body.subarray(0, match)), signature: body.subarray(match).toString('utf8') };
}
