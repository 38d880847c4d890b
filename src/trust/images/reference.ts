/**
 * Container image references as containers/image (and Docker) read them:
 * `ParseNormalizedNamed` (docker.io and library/ filled in), the canonical
 * form, and the identity rules a simple-signing signature is judged by
 * (`matchRepoDigestOrExact`, `remapIdentity`). Pure functions.
 */

export interface ImageRef {
  /** Registry host (and port): `docker.io`, `quay.io`, `127.0.0.1:5000`. */
  domain: string;
  /** Repository path without the host: `stagex/core-busybox`, `library/alpine`. */
  path: string;
  /** `domain/path`. */
  name: string;
  tag?: string;
  /** `algo:hex`. */
  digest?: string;
}

const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^((?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*))(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const PATH_ONLY = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
const DOMAIN_ONLY = new RegExp(`^${DOMAIN}$`);
const NAME_MAX = 255;

/** Digest algorithms go-digest knows, with their hex lengths. */
const DIGEST_HEX: Record<string, number> = { sha256: 64, sha384: 96, sha512: 128 };

export class ReferenceError extends Error {}

/** go-digest's Validate: a known algorithm and lower-case hex of its length. */
export function isValidDigest(digest: string): boolean {
  const i = digest.indexOf(':');
  if (i <= 0) return false;
  const len = DIGEST_HEX[digest.slice(0, i)];
  return len !== undefined && new RegExp(`^[a-f0-9]{${len}}$`).test(digest.slice(i + 1));
}

/** distribution/reference's `Parse` on an already-qualified string. */
function parseQualified(s: string): ImageRef {
  const m = REFERENCE.exec(s);
  if (!m) throw new ReferenceError(`invalid reference format: ${s}`);
  const [, name, domain, path, tag, digest] = m;
  if (name!.length > NAME_MAX) throw new ReferenceError(`repository name must not be more than ${NAME_MAX} characters`);
  if (digest !== undefined && !isValidDigest(digest)) throw new ReferenceError(`invalid digest ${digest}`);
  return { domain: domain ?? '', path: path!, name: name!, ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** `splitDockerDomain`: the first component is a registry only if it looks like a host. */
function splitDockerDomain(s: string): { domain: string; remainder: string } {
  const i = s.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i >= 0 ? s.slice(0, i) : '';
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = s;
  } else {
    domain = first;
    remainder = s.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = `library/${remainder}`;
  return { domain, remainder };
}

/** `ParseNormalizedNamed`: `stagex/core-busybox:1` → `docker.io/stagex/core-busybox:1`. Throws ReferenceError. */
export function parseNormalizedRef(s: string): ImageRef {
  if (/^[a-f0-9]{64}$/.test(s)) throw new ReferenceError(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  const { domain, remainder } = splitDockerDomain(s);
  const sep = remainder.search(/[:@]/);
  const remote = sep >= 0 ? remainder.slice(0, sep) : remainder;
  if (remote.toLowerCase() !== remote) throw new ReferenceError(`invalid reference format: repository name (${remote}) must be lowercase`);
  const ref = parseQualified(`${domain}/${remainder}`);
  if (!ref.domain) throw new ReferenceError(`invalid reference format: ${s}`);
  return ref;
}

/** `ParseNamed`: like parseNormalizedRef, but the string must already be in canonical form. */
export function parseCanonicalRef(s: string): ImageRef {
  const ref = parseNormalizedRef(s);
  if (refString(ref) !== s) throw new ReferenceError(`repository name must be canonical: ${s}`);
  return ref;
}

/** The canonical string: `name[:tag][@digest]`. */
export function refString(ref: ImageRef): string {
  return `${ref.name}${ref.tag !== undefined ? `:${ref.tag}` : ''}${ref.digest !== undefined ? `@${ref.digest}` : ''}`;
}

/**
 * A policy prefix: a registry host, or a host and repository path, in
 * canonical form (`docker.io/stagex`, `quay.io`, `127.0.0.1:5000/team`).
 * Returns why not, or undefined when it is one.
 */
export function prefixProblem(prefix: string): string | undefined {
  const slash = prefix.indexOf('/');
  if (slash < 0) {
    return DOMAIN_ONLY.test(prefix) && (/[.:]/.test(prefix) || prefix === 'localhost') ? undefined : 'must start with a registry host, e.g. docker.io/stagex';
  }
  const host = prefix.slice(0, slash);
  if (!DOMAIN_ONLY.test(host) || !(/[.:]/.test(host) || host === 'localhost')) return 'must start with a registry host, e.g. docker.io/stagex';
  if (host === LEGACY_DEFAULT_DOMAIN) return 'write docker.io, not index.docker.io';
  if (!PATH_ONLY.test(prefix.slice(slash + 1))) return 'is not a repository path (lower-case components separated by /)';
  return undefined;
}

/** remapIdentity's prefix test: the name equals the prefix or continues it after a `/`. */
export function nameHasPrefix(name: string, prefix: string): boolean {
  return name === prefix || (name.startsWith(prefix) && name[prefix.length] === '/');
}

export interface Remap {
  prefix: string;
  signedPrefix: string;
}

/**
 * containers' `remapIdentity`: a reference under `remap.prefix` is judged as
 * if it were under `remap.signedPrefix`. Undefined when the result is not a
 * valid canonical reference (which matches nothing).
 */
export function remapRef(ref: ImageRef, remap: Remap | undefined): ImageRef | undefined {
  if (!remap || !nameHasPrefix(ref.name, remap.prefix)) return ref;
  try {
    return parseCanonicalRef(remap.signedPrefix + refString(ref).slice(remap.prefix.length));
  } catch {
    return undefined;
  }
}

/**
 * `matchRepoDigestOrExact` (with `remapIdentity` when `remap` is given): a
 * signature's `docker-reference` fits the image the user asked for. A tagged
 * reference needs the exact same reference; a digest-only one needs the same
 * repository (the digest itself is compared with the signed digest elsewhere).
 * A name-only signed identity never matches.
 */
export function identityMatches(intended: ImageRef, signedIdentity: string, remap?: Remap): boolean {
  let signed: ImageRef;
  try {
    signed = parseNormalizedRef(signedIdentity);
  } catch {
    return false;
  }
  const target = remapRef(intended, remap);
  if (!target) return false;
  if (signed.tag === undefined && signed.digest === undefined) return false;
  if (target.tag !== undefined) return refString(signed) === refString(target);
  if (target.digest !== undefined) return signed.name === target.name;
  return false;
}
