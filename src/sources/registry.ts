/**
 * Resolves an image tag to its manifest digest through the registry API
 * (distribution spec `GET /v2/<name>/manifests/<tag>`), with Docker Hub's
 * anonymous bearer-token flow: a 401 naming a `Bearer realm=…,service=…,scope=…`
 * challenge is answered by fetching a token from the realm and asking again.
 * The digest is the sha256 of the manifest bytes as served, computed here:
 * a registry's Docker-Content-Digest header is only checked against it.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../core/errors.js';
import { artifactClient, describeHttpFailure, httpStatus, type ArtifactHttpOptions } from './artifact-http.js';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/** Manifests are small; the registry spec suggests 4 MiB as the limit. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ResolvedTag {
  digest: string;
  mediaType?: string;
}

/** The API base for a registry host: Docker Hub's lives on registry-1.docker.io. */
export function registryBase(domain: string): string {
  return domain === 'docker.io' ? 'https://registry-1.docker.io' : `https://${domain}`;
}

/**
 * `base`: the registry API base URL (default from the host); `repoPath` has no
 * host (`stagex/core-busybox`, `library/alpine`).
 */
export async function resolveTag(base: string, repoPath: string, tag: string, opts: ArtifactHttpOptions = {}): Promise<ResolvedTag> {
  const client = artifactClient(opts);
  const url = `${base.replace(/\/+$/, '')}/v2/${repoPath}/manifests/${encodeURIComponent(tag)}`;
  const headers: Record<string, string> = { accept: MANIFEST_TYPES.join(', ') };
  const get = () => client.get(url, { headers, responseType: 'buffer' });
  let res;
  try {
    res = await get();
  } catch (err) {
    if (httpStatus(err) !== 401) throw failure(url, err);
    const challenge = String((err as { response: { headers: Record<string, unknown> } }).response.headers['www-authenticate'] ?? '');
    headers.authorization = `Bearer ${await fetchToken(client, challenge, repoPath, url)}`;
    try {
      res = await get();
    } catch (again) {
      throw failure(url, again);
    }
  }
  const body = res.body;
  if (body.length > MAX_MANIFEST_BYTES) throw new UserError(`registry: manifest for ${repoPath}:${tag} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
  const claimed = res.headers['docker-content-digest'];
  if (typeof claimed === 'string' && claimed.startsWith('sha256:') && claimed !== digest) {
    throw new UserError(`registry: ${url} sent a manifest whose sha256 (${digest}) is not its Docker-Content-Digest (${claimed})`);
  }
  const type = res.headers['content-type'];
  return { digest, ...(typeof type === 'string' ? { mediaType: type.split(';')[0]!.trim() } : {}) };
}

function failure(url: string, err: unknown): UserError {
  const status = httpStatus(err);
  if (status === 404) return new UserError(`registry: no such tag or repository: ${url}`);
  if (status === 401 || status === 403) return new UserError(`registry: access denied (HTTP ${status}) for ${url}`);
  return new UserError(`registry: ${url}: ${describeHttpFailure(err)}`);
}

/** Parses `Bearer realm="…",service="…",scope="…"` (RFC 6750 §3 auth-params). */
export function parseBearerChallenge(header: string): Record<string, string> | undefined {
  const m = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[1]!)) !== null) {
    if (p[0] === '') break;
    params[p[1]!.toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3]!;
  }
  return params.realm ? params : undefined;
}

async function fetchToken(client: ReturnType<typeof artifactClient>, challenge: string, repoPath: string, url: string): Promise<string> {
  const params = parseBearerChallenge(challenge);
  if (!params) throw new UserError(`registry: ${url} wants authentication this tool does not do (${challenge.split(/[\s,]/)[0] || 'no challenge'})`);
  let realm: URL;
  try {
    realm = new URL(params.realm!);
  } catch {
    throw new UserError(`registry: bad token realm ${JSON.stringify(params.realm)} from ${url}`);
  }
  if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new UserError(`registry: token realm ${realm} is not http(s)`);
  if (params.service) realm.searchParams.set('service', params.service);
  realm.searchParams.set('scope', params.scope ?? `repository:${repoPath}:pull`);
  let body: { token?: unknown; access_token?: unknown };
  try {
    body = await client.get(realm, { responseType: 'json' }).json();
  } catch (err) {
    throw new UserError(`registry: token request to ${realm.origin}${realm.pathname} failed: ${describeHttpFailure(err)}`);
  }
  const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
  if (!token) throw new UserError(`registry: the token service at ${realm.origin}${realm.pathname} returned no token`);
  return token;
}
