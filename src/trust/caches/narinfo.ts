/**
 * `.narinfo` files as Nix reads them, and the fingerprint their signatures
 * cover: `1;<StorePath>;<NarHash as sha256:base32>;<NarSize>;<references as
 * full store paths, sorted, comma-joined>`. Fields a signature covers must
 * appear once: a second `NarHash:` that one reader takes and another skips is
 * how a tampered file would slip past one of them.
 */
import { tryParseHash } from '../../core/nix-hash.js';

export interface NarInfo {
  storePath: string;
  /** `sha256:<nix base32>`, whatever spelling the file used. */
  narHash: string;
  narSize: number;
  /** Base names (`<hash>-<name>`), sorted and unique, as Nix keeps them. */
  references: string[];
  /** `Sig:` values in file order. */
  sigs: string[];
  /** Content-addressed paths carry a `CA:`; Nix trusts those without signatures, we do not. */
  ca?: string;
}

const SINGLE = new Set(['StorePath', 'URL', 'Compression', 'FileHash', 'FileSize', 'NarHash', 'NarSize', 'References', 'Deriver', 'System', 'CA']);
/** `<32 base32 chars>-<name>`: libstore's checkName, in one expression (tested against isValidStoreName). */
const BASE_NAME = /^[0-9a-df-np-sv-z]{32}-(?!\.)[A-Za-z0-9+\-._?=]{1,211}$/;
/**
 * The usual NarHash spelling, already canonical: 52 base32 digits carry 260
 * bits, so the first digit must be below 16 for the top 4 bits to be zero.
 */
const CANONICAL_NAR_HASH = /^sha256:[0-9a-dfg][0-9a-df-np-sv-z]{51}$/;

export type NarInfoResult = { ok: true; info: NarInfo } | { ok: false; detail: string };

/** A store path's parts when it is `<storeDir>/<32 base32 chars>-<valid name>`. */
export function splitStorePath(p: string): { storeDir: string; baseName: string; hashPart: string } | undefined {
  const slash = p.lastIndexOf('/');
  if (!p.startsWith('/') || slash < 1) return undefined;
  const baseName = p.slice(slash + 1);
  if (!BASE_NAME.test(baseName)) return undefined;
  return { storeDir: p.slice(0, slash), baseName, hashPart: baseName.slice(0, 32) };
}

export function isStoreBaseName(name: string): boolean {
  return BASE_NAME.test(name);
}

/** Parses a narinfo expected to describe `expectedPath`; never throws. */
export function parseNarInfo(text: string, expectedPath: string): NarInfoResult {
  const fail = (detail: string): NarInfoResult => ({ ok: false, detail });
  const fields = new Map<string, string>();
  const sigs: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const colon = line.indexOf(': ');
    if (colon <= 0) return fail(`malformed line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon);
    const value = line.slice(colon + 2);
    if (name === 'Sig') sigs.push(value);
    else if (SINGLE.has(name)) {
      if (fields.has(name)) return fail(`${name} appears twice`);
      fields.set(name, value);
    }
  }
  const storePath = fields.get('StorePath');
  if (storePath === undefined) return fail('no StorePath');
  if (storePath !== expectedPath) return fail(`StorePath ${storePath} is not ${expectedPath}`);
  const split = splitStorePath(storePath);
  if (!split) return fail(`StorePath ${storePath} is not a valid store path`);
  const hashText = fields.get('NarHash');
  if (hashText === undefined) return fail('no NarHash');
  let narHash = hashText;
  if (!CANONICAL_NAR_HASH.test(hashText)) {
    const hash = tryParseHash(hashText);
    if (!hash || hash.algorithm !== 'sha256') return fail(`NarHash ${JSON.stringify(hashText)} is not a sha256 hash`);
    narHash = `sha256:${hash.base32}`;
  }
  const sizeText = fields.get('NarSize');
  if (sizeText === undefined || !/^[1-9][0-9]{0,15}$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) return fail(`NarSize ${JSON.stringify(sizeText ?? '')} is not a positive integer`);
  if (!fields.get('URL')) return fail('no URL');
  const refsText = fields.get('References') ?? '';
  const refs = refsText === '' ? [] : refsText.split(' ');
  for (const r of refs) if (!BASE_NAME.test(r)) return fail(`reference ${JSON.stringify(r)} is not a store path`);
  const ca = fields.get('CA');
  return {
    ok: true,
    info: {
      storePath,
      narHash,
      narSize: Number(sizeText),
      references: refs.length < 2 ? refs : [...new Set(refs)].sort(),
      sigs,
      ...(ca !== undefined ? { ca } : {}),
    },
  };
}

/** What a `Sig:` signs (libstore ValidPathInfo::fingerprint). */
export function fingerprint(info: NarInfo): string {
  const storeDir = info.storePath.slice(0, info.storePath.lastIndexOf('/'));
  return `1;${info.storePath};${info.narHash};${info.narSize};${info.references.map((r) => `${storeDir}/${r}`).join(',')}`;
}
