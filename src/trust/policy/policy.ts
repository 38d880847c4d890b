/**
 * Loads a trust policy (`nixharden-policy.toml`, or `.yaml`/`.yml`/`.json`),
 * validates it against the JSON schema and resolves every key it names.
 * Anything unexpected (unknown field or rule type, unreadable key file, a key
 * that does not parse, a rule naming an unknown signer) is a UserError naming
 * the file and line: a policy that half-loads must never pass commits.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import type * as openpgp from 'openpgp';
import { parse as parseToml, TomlError } from 'smol-toml';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { UserError } from '../../core/errors.js';
import { describeFsError } from '../../core/fs.js';
import { policySchema } from './schema.js';
import { tomlLocator, type Locator } from '../../syntax/toml-locate.js';
import { resolveRules, type Fail, type PolicyKey, type PolicyRule, type PolicySigner, type RawRule } from './signers.js';
import { resolveCaches, resolveImages, type CachePolicy, type ImagePolicy, type RawCache, type RawImage } from './artifacts.js';
import { isNixSecretKey, parseNixPublicKey } from '../caches/nix-signature.js';

export type PlatformMode = 'ignore' | 'count-as-one' | 'sufficient';


export interface CryptoOptions {
  allowWeakHash: boolean;
  requireUserPresence: boolean;
  requireUserVerification: boolean;
}

export interface RepositoryPolicy {
  /** As written in the policy. */
  url: string;
  /** `host/owner/repo` for remote URLs (lower case), or the absolute path for local ones. */
  key: string;
  branch?: string;
  trustRoot?: string;
  platform: PlatformMode;
  crypto: CryptoOptions;
  /** `pin` also judges the annotated tag object of a tag pin by `rules` (`require-signed-tag`). */
  requireSignedTag?: boolean;
  rules: PolicyRule[];
  line?: number;
}

export interface TrustPolicy {
  file: string;
  signers: Map<string, PolicySigner>;
  repositories: RepositoryPolicy[];
  images: ImagePolicy[];
  caches: CachePolicy[];
}

export const PLATFORM_ROLE = 'platform';

/** Reads, validates and resolves a policy file. */
export async function loadPolicy(file: string): Promise<TrustPolicy> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read policy: ${describeFsError(err)}`, undefined, file);
  }
  const { data, locate } = decodePolicy(text, file);
  validateShape(data, file, locate);
  return resolvePolicy(data as RawPolicy, file, locate);
}

// ---------------------------------------------------------------- decoding


/** Decodes TOML (default) or YAML/JSON by extension; returns a locator from JSON path to line. */
export function decodePolicy(text: string, file: string): { data: unknown; locate: Locator } {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml' || ext === '.json') {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      const e = doc.errors[0];
      const line = lineCounter.linePos(e.pos[0]).line;
      throw new UserError(`invalid ${ext === '.json' ? 'JSON' : 'YAML'}: ${e.message.split('\n')[0]}`, undefined, file, line);
    }
    const locate: Locator = (pointer) => {
      for (let n = pointer.length; n >= 0; n--) {
        const node = doc.getIn(pointer.slice(0, n), true);
        if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
      }
      return undefined;
    };
    return { data: doc.toJS(), locate };
  }
  try {
    const data = parseToml(text);
    return { data, locate: tomlLocator(text) };
  } catch (err) {
    if (err instanceof TomlError) throw new UserError(`invalid TOML: ${err.message.split('\n')[0]}`, undefined, file, err.line);
    throw err;
  }
}

// ---------------------------------------------------------------- schema

let compiled: ReturnType<Ajv['compile']> | undefined;

function validateShape(data: unknown, file: string, locate: Locator): void {
  compiled ??= new Ajv({ allErrors: true, discriminator: true, strict: true, strictRequired: false }).compile(policySchema);
  if (compiled(data)) return;
  const errors = compiled.errors ?? [];
  // Only the top-level "one of repositories/images/caches" failed: say that, not "missing repositories".
  const rootAnyOf = errors.find((e) => e.keyword === 'anyOf' && e.instancePath === '');
  const err = rootAnyOf && errors.every((e) => e.instancePath === '' && (e === rootAnyOf || e.keyword === 'required')) ? rootAnyOf : pickError(errors);
  const pointer = err.instancePath.split('/').slice(1).map(unescapePointer);
  // Point at the offending key itself, not the table holding it.
  const p = err.params as Record<string, unknown>;
  if (err.keyword === 'additionalProperties') pointer.push(String(p.additionalProperty));
  if (err.keyword === 'discriminator' && typeof p.tag === 'string') pointer.push(p.tag);
  throw new UserError(describeSchemaError(err), undefined, file, locate(pointer));
}

function unescapePointer(s: string): string | number {
  const u = s.replace(/~1/g, '/').replace(/~0/g, '~');
  return /^\d+$/.test(u) ? Number(u) : u;
}

/** The most specific error: deepest path, and a concrete keyword over oneOf/anyOf summaries. */
function pickError(errors: ErrorObject[]): ErrorObject {
  const score = (e: ErrorObject) =>
    e.instancePath.split('/').length * 10 + (e.keyword === 'additionalProperties' || e.keyword === 'discriminator' ? 5 : 0) - (e.keyword === 'oneOf' ? 8 : 0);
  return [...errors].sort((a, b) => score(b) - score(a))[0];
}

function describeSchemaError(e: ErrorObject): string {
  const at = e.instancePath ? `${e.instancePath.slice(1).replace(/\//g, '.')}: ` : '';
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return `${at}unknown field "${String(p.additionalProperty)}"`;
    case 'required':
      return `${at}missing field "${String(p.missingProperty)}"`;
    case 'discriminator':
      if (p.error !== 'mapping') return `${at}rule needs a "type"`;
      return `${at}unknown rule type "${String(p.tagValue)}" (expected ${/^\/(images|caches)\//.test(e.instancePath) ? 'threshold: images and caches take threshold rules' : 'threshold or two-party'})`;
    case 'anyOf':
      return 'the policy governs nothing: add [[repositories]], [[images]] or [[caches]]';
    case 'enum':
      return `${at}must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `${at}must be ${JSON.stringify(p.allowedValue)}`;
    default:
      return `${at}${e.message ?? 'invalid'}`;
  }
}

// ---------------------------------------------------------------- resolving

type RawKey = string | { path: string };
interface RawPolicy {
  version: 1;
  signers: { id: string; role?: string; keys: RawKey[] }[];
  images?: RawImage[];
  caches?: RawCache[];
  repositories?: {
    url: string;
    branch?: string;
    'trust-root'?: string;
    platform?: PlatformMode;
    'allow-weak-hash'?: boolean;
    'require-user-presence'?: boolean;
    'require-user-verification'?: boolean;
    'require-signed-tag'?: boolean;
    rules: RawRule[];
  }[];
}

/** Commits are signed with OpenPGP or SSH keys: a signer with only Nix keys can sign none. */
function signsCommits(s: PolicySigner): string | undefined {
  return s.keys.some((k) => k.kind !== 'nix') ? undefined : 'has only Nix keys; commits are signed with OpenPGP or SSH keys';
}

async function resolvePolicy(raw: RawPolicy, file: string, locate: Locator): Promise<TrustPolicy> {
  const fail: Fail = (msg, pointer) => {
    throw new UserError(msg, undefined, file, locate(pointer));
  };
  const signers = new Map<string, PolicySigner>();
  const keyOwner = new Map<string, string>();
  for (const [i, s] of raw.signers.entries()) {
    if (signers.has(s.id)) fail(`duplicate signer id "${s.id}"`, ['signers', i, 'id']);
    const keys: PolicyKey[] = [];
    for (const [j, k] of s.keys.entries()) {
      const ptr = ['signers', i, 'keys', j];
      const origin = `${file}:${locate(ptr) ?? '?'}`;
      const parsed = typeof k === 'string' ? await parseKeyText(k, origin) : await readKeyFile(path.resolve(path.dirname(file), k.path));
      if (typeof parsed === 'string') fail(`signer "${s.id}": ${parsed}`, ptr);
      for (const key of parsed as PolicyKey[]) {
        const other = keyOwner.get(key.fingerprint);
        if (other !== undefined && other !== s.id) fail(`key ${key.fingerprint} is listed for both "${other}" and "${s.id}"`, ptr);
        keyOwner.set(key.fingerprint, s.id);
        keys.push(key);
      }
    }
    signers.set(s.id, { id: s.id, role: s.role, keys });
  }

  const repositories: RepositoryPolicy[] = (raw.repositories ?? []).map((r, i) => {
    const key = repoKey(r.url);
    if (!key) fail(`cannot understand repository url "${r.url}" (use owner/repo, a git URL or an absolute path)`, ['repositories', i, 'url']);
    const rules = resolveRules(r.rules, ['repositories', i, 'rules'], signers, fail, locate, signsCommits);
    return {
      url: r.url,
      key: key as string,
      branch: r.branch,
      trustRoot: r['trust-root'],
      platform: r.platform ?? 'ignore',
      crypto: {
        allowWeakHash: r['allow-weak-hash'] ?? false,
        requireUserPresence: r['require-user-presence'] ?? false,
        requireUserVerification: r['require-user-verification'] ?? false,
      },
      requireSignedTag: r['require-signed-tag'] ?? false,
      rules,
      line: locate(['repositories', i]),
    };
  });
  // verify-commit would refuse to choose between such entries: refuse them here, in its words, so `policy check` does too.
  repositories.forEach((r, i) => {
    if (repositories.slice(0, i).some((o) => o.key === r.key && o.branch === r.branch)) fail(severalEntries(r.key, r.branch), ['repositories', i]);
  });
  const images = resolveImages(raw.images ?? [], file, signers, fail, locate);
  const caches = resolveCaches(raw.caches ?? [], signers, fail, locate);
  return { file, signers, repositories, images, caches };
}

const SSH_LINE = /^(?:(?:[a-z0-9-]+(?:@[a-z0-9.-]+)?)\s+)?((?:ssh|ecdsa|sk)-[A-Za-z0-9@.-]+)\s+([A-Za-z0-9+/]+={0,2})(?:\s+.*)?$/;

/** An inline key: armored OpenPGP certificate(s) or one SSH public key line. Returns an error string on failure. */
async function parseKeyText(text: string, origin: string): Promise<PolicyKey[] | string> {
  const t = text.trim();
  if (t.startsWith('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return parseOpenPgp({ armoredKeys: t }, origin);
  if (t.startsWith('-----BEGIN PGP PRIVATE KEY BLOCK-----')) return 'that is a PRIVATE key; list the public certificate';
  const ssh = parseSshLine(t, origin);
  if (ssh) return [ssh];
  if (isNixSecretKey(t)) return 'that is a Nix SECRET key; list the public key (nix key convert-secret-to-public)';
  const nix = parseNixKeyLine(t, origin);
  return nix ? [nix] : 'key is neither an armored OpenPGP certificate, an SSH public key line nor a Nix public key (name:base64)';
}

async function readKeyFile(file: string): Promise<PolicyKey[] | string> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    return `cannot read key file ${file}: ${describeFsError(err)}`;
  }
  const text = bytes.toString('utf8');
  if (text.includes('-----BEGIN PGP PRIVATE KEY BLOCK-----')) return `${file} holds a PRIVATE key; list the public certificate`;
  if (text.includes('-----BEGIN PGP PUBLIC KEY BLOCK-----')) return parseOpenPgp({ armoredKeys: text }, file);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (lines.length > 0 && lines.every((l) => SSH_LINE.test(l))) {
    const keys = lines.map((l) => parseSshLine(l, file));
    return keys.every(Boolean) ? (keys as PolicyKey[]) : `${file}: malformed SSH public key`;
  }
  if (lines.some(isNixSecretKey)) return `${file} holds a Nix SECRET key; list the public key`;
  // `nix-store --generate-binary-cache-key` writes `name:base64` with no newline.
  if (lines.length > 0 && lines.every((l) => parseNixPublicKey(l))) return lines.map((l) => parseNixKeyLine(l, file) as PolicyKey);
  // Binary OpenPGP (a .gpg export).
  return parseOpenPgp({ binaryKeys: new Uint8Array(bytes) }, file);
}

async function parseOpenPgp(src: { armoredKeys: string } | { binaryKeys: Uint8Array }, origin: string): Promise<PolicyKey[] | string> {
  // Loaded on first use: a policy for caches alone has no OpenPGP key to read.
  const openpgp = await import('openpgp');
  let keys: openpgp.Key[];
  try {
    keys = 'armoredKeys' in src ? await openpgp.readKeys({ armoredKeys: src.armoredKeys }) : await openpgp.readKeys({ binaryKeys: src.binaryKeys });
  } catch (err) {
    return `${origin}: not a readable OpenPGP certificate (${(err as Error).message.split('\n')[0]})`;
  }
  const out: PolicyKey[] = [];
  for (const key of keys) {
    if (key.isPrivate()) return `${origin} holds a PRIVATE key; list the public certificate`;
    out.push({
      kind: 'openpgp',
      fingerprint: key.getFingerprint().toUpperCase(),
      subkeyFingerprints: key.getSubkeys().map((s) => s.getFingerprint().toUpperCase()),
      text: key.armor(),
      origin,
    });
  }
  return out.length ? out : `${origin}: no OpenPGP certificate found`;
}

/** Parses `[options] type base64 [comment]`; checks the blob's own type name matches. */
export function parseSshLine(line: string, origin: string): PolicyKey | undefined {
  const m = line.trim().match(SSH_LINE);
  if (!m) return undefined;
  const blob = Buffer.from(m[2], 'base64');
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (4 + n > blob.length || blob.subarray(4, 4 + n).toString('latin1') !== m[1]) return undefined;
  return { kind: 'ssh', fingerprint: sshFingerprint(blob), subkeyFingerprints: [], text: `${m[1]} ${m[2]}`, origin };
}

/** A Nix binary-cache public key `name:base64` (32 bytes of Ed25519). */
function parseNixKeyLine(line: string, origin: string): PolicyKey | undefined {
  const key = parseNixPublicKey(line);
  if (!key) return undefined;
  return { kind: 'nix', fingerprint: key.text, subkeyFingerprints: [], text: key.text, origin };
}

/** OpenSSH's `SHA256:` fingerprint (unpadded base64 of the key blob's SHA-256). */
export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

// ---------------------------------------------------------------- lookup

/**
 * Normalises a repository reference: `owner/repo`, https/ssh/git URLs (with or
 * without `.git`) → `host/owner/repo` in lower case; absolute paths and
 * file:// URLs → the path. Undefined when it is none of those.
 */
export function repoKey(url: string): string | undefined {
  const u = url.trim();
  if (u.startsWith('file://')) return path.resolve(decodeURIComponent(u.slice(7)));
  if (path.isAbsolute(u)) return path.resolve(u);
  let m = u.match(/^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?$/);
  if (m) return `github.com/${m[1]}/${m[2]}`.toLowerCase();
  m = u.match(/^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+?)(?:\.git)?\/?$/);
  if (m) return `${m[1]}/${m[2]}`.toLowerCase();
  m = u.match(/^[^@/\s]+@([^:/\s]+):(.+?)(?:\.git)?\/?$/);
  if (m) return `${m[1]}/${m[2]}`.toLowerCase();
  return undefined;
}

const severalEntries = (repository: string, branch: string | undefined): string =>
  `several [[repositories]] entries match ${repository}${branch ? ` on branch ${branch}` : ''}; give each a distinct branch`;

/**
 * Picks the repository entry that applies. `refs` are what identifies the
 * repository being verified (owner/repo, remote URLs, its absolute path).
 * An entry with a `branch` wins over one without when the branch matches;
 * no match is an error (a policy for another repository must not apply).
 */
export function selectRepository(policy: TrustPolicy, refs: string[], branch?: string): RepositoryPolicy {
  const keys = new Set(refs.map(repoKey).filter((k): k is string => !!k));
  const matching = policy.repositories.filter((r) => keys.has(r.key));
  const exact = matching.filter((r) => r.branch !== undefined && r.branch === branch);
  const generic = matching.filter((r) => r.branch === undefined);
  const pick = exact.length ? exact : generic.length ? generic : branch === undefined ? matching : [];
  if (pick.length === 1) return pick[0];
  if (pick.length > 1) {
    throw new UserError(severalEntries([...keys].join(', '), branch), undefined, policy.file, pick[1].line);
  }
  throw new UserError(
    `no [[repositories]] entry matches ${[...keys].join(', ') || 'this repository'}${branch ? ` (branch ${branch})` : ''}`,
    undefined,
    policy.file,
  );
}

/** Maps a key fingerprint (primary, subkey, or SSH) to the signer that owns it. */
export function signerIndex(policy: TrustPolicy): Map<string, PolicySigner> {
  const index = new Map<string, PolicySigner>();
  for (const s of policy.signers.values()) {
    for (const k of s.keys) {
      index.set(k.fingerprint, s);
      for (const sub of k.subkeyFingerprints) index.set(sub, s);
    }
  }
  return index;
}

