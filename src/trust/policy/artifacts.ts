/**
 * The `[[images]]` and `[[caches]]` sections of a trust policy, resolved after
 * the schema has checked their shape: prefixes and URLs made canonical, rules
 * resolved to signers whose keys can verify that kind of artifact (OpenPGP for
 * images, Nix Ed25519 for caches). Every problem is a `fail` naming the line.
 */
import path from 'node:path';
import { nameHasPrefix, prefixProblem, type Remap } from '../images/reference.js';
import { parseNixPublicKey } from '../caches/nix-signature.js';
import type { Locator } from '../../syntax/toml-locate.js';
import { resolveRules, type Fail, type PolicySigner, type RawRule, type ThresholdRule } from './signers.js';

export interface RawImage {
  prefix: string;
  lookaside: string;
  remap?: { prefix: string; 'signed-prefix': string };
  rules: RawRule[];
}

export interface RawCache {
  urls: string[];
  agree?: boolean;
  rules: RawRule[];
}

export interface ImagePolicy {
  /** Canonical reference prefix: `docker.io/stagex`. */
  prefix: string;
  /** An http(s) URL, or an absolute directory (file:// URLs and relative paths resolved). */
  lookaside: string;
  remap?: Remap;
  rules: ThresholdRule[];
  line?: number;
}

export interface CachePolicy {
  /** Cache base URLs without a trailing slash. */
  urls: string[];
  /** NarHash and NarSize must agree across the caches. */
  agree: boolean;
  rules: ThresholdRule[];
  line?: number;
}

const signsImages = (s: PolicySigner): string | undefined =>
  s.keys.some((k) => k.kind === 'openpgp') ? undefined : `has no OpenPGP certificate; image signatures are OpenPGP (its keys: ${kinds(s)})`;

const signsCaches = (s: PolicySigner): string | undefined =>
  s.keys.some((k) => k.kind === 'nix') ? undefined : `has no Nix public key (name:base64); cache signatures are Nix Ed25519 (its keys: ${kinds(s)})`;

function kinds(s: PolicySigner): string {
  return [...new Set(s.keys.map((k) => (k.kind === 'openpgp' ? 'OpenPGP' : k.kind === 'ssh' ? 'SSH' : 'Nix')))].join(', ');
}

export function resolveImages(raw: RawImage[], file: string, signers: Map<string, PolicySigner>, fail: Fail, locate: Locator): ImagePolicy[] {
  const seen = new Map<string, number>();
  return raw.map((img, i) => {
    const ptr = ['images', i];
    const why = prefixProblem(img.prefix);
    if (why) fail(`prefix "${img.prefix}" ${why}`, [...ptr, 'prefix']);
    let remap: Remap | undefined;
    if (img.remap) {
      const { prefix, 'signed-prefix': signedPrefix } = img.remap;
      for (const [field, value] of [['prefix', prefix], ['signed-prefix', signedPrefix]] as const) {
        const bad = prefixProblem(value);
        if (bad) fail(`remap ${field} "${value}" ${bad}`, [...ptr, 'remap']);
      }
      if (prefix === signedPrefix) fail('remap prefix and signed-prefix are the same', [...ptr, 'remap']);
      remap = { prefix, signedPrefix };
    }
    // One entry per reference: two entries covering the very same prefix would make the choice arbitrary.
    for (const p of [img.prefix, ...(remap ? [remap.prefix] : [])]) {
      const other = seen.get(p);
      if (other !== undefined) fail(`prefix "${p}" is already covered by [[images]] entry ${other + 1}`, [...ptr, 'prefix']);
      seen.set(p, i);
    }
    const rules = resolveRules(img.rules, [...ptr, 'rules'], signers, fail, locate, signsImages) as ThresholdRule[];
    return { prefix: img.prefix, lookaside: resolveLookaside(img.lookaside, file, fail, [...ptr, 'lookaside']), ...(remap ? { remap } : {}), rules, line: locate(ptr) };
  });
}

function resolveLookaside(value: string, file: string, fail: Fail, ptr: (string | number)[]): string {
  if (/^https?:\/\//i.test(value)) {
    try {
      return new URL(value).toString().replace(/\/+$/, '');
    } catch {
      return fail(`lookaside "${value}" is not a valid URL`, ptr);
    }
  }
  if (/^file:\/\//i.test(value)) return path.resolve(decodeURIComponent(new URL(value).pathname));
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return fail(`lookaside "${value}": use an http(s):// or file:// URL, or a directory`, ptr);
  return path.resolve(path.dirname(file), value);
}

export function resolveCaches(raw: RawCache[], signers: Map<string, PolicySigner>, fail: Fail, locate: Locator): CachePolicy[] {
  checkNixKeyNames(signers, fail);
  return raw.map((c, i) => {
    const ptr = ['caches', i];
    const urls = c.urls.map((u, j) => {
      try {
        const url = new URL(u);
        if (url.protocol === 'file:' && url.host !== '') fail(`cache url "${u}": a file:// URL needs an absolute path (file:///srv/cache)`, [...ptr, 'urls', j]);
        if (url.search || url.hash) fail(`cache url "${u}": query and fragment are not supported`, [...ptr, 'urls', j]);
        return url.toString().replace(/\/+$/, '');
      } catch (err) {
        if (err instanceof TypeError) fail(`cache url "${u}" is not a valid URL`, [...ptr, 'urls', j]);
        throw err;
      }
    });
    const rules = resolveRules(c.rules, [...ptr, 'rules'], signers, fail, locate, signsCaches) as ThresholdRule[];
    return { urls, agree: c.agree ?? true, rules, line: locate(ptr) };
  });
}

/** Nix finds a signature's key by name: one name must mean one key, policy-wide. */
function checkNixKeyNames(signers: Map<string, PolicySigner>, fail: Fail): void {
  const byName = new Map<string, string>();
  for (const [i, s] of [...signers.values()].entries()) {
    for (const [j, k] of s.keys.entries()) {
      if (k.kind !== 'nix') continue;
      const key = parseNixPublicKey(k.text)!;
      const other = byName.get(key.name);
      if (other !== undefined && other !== k.text) fail(`Nix key name "${key.name}" is listed with two different keys`, ['signers', i, 'keys', j]);
      byName.set(key.name, k.text);
    }
  }
}

/** The `[[images]]` entry covering `name` (a canonical repository name): the longest matching prefix, its own or its remap's. */
export function selectImagePolicy(images: ImagePolicy[], name: string): ImagePolicy | undefined {
  let best: { entry: ImagePolicy; length: number } | undefined;
  for (const entry of images) {
    for (const p of [entry.prefix, entry.remap?.prefix]) {
      if (p !== undefined && nameHasPrefix(name, p) && (!best || p.length > best.length)) best = { entry, length: p.length };
    }
  }
  return best?.entry;
}
