/**
 * Hosts known to serve the same content over https (and git over https). Only these are
 * upgraded by the safe fix: for any other host a scheme change could break fetching.
 */
const HTTPS_HOSTS = new Set([
  'cache.nixos.org',
  'channels.nixos.org',
  'releases.nixos.org',
  'nixos.org',
  'tarballs.nixos.org',
  'github.com',
  'codeload.github.com',
  'raw.githubusercontent.com',
  'objects.githubusercontent.com',
  'gitlab.com',
  'codeberg.org',
  'git.sr.ht',
  'bitbucket.org',
  'nix-community.cachix.org',
  'cachix.org',
]);

export function hostServesHttps(host: string): boolean {
  const h = host.toLowerCase();
  return HTTPS_HOSTS.has(h) || /\.cachix\.org$/.test(h);
}

/** The https spelling of an http://, git:// or git+http:// URL on a known host, else undefined. */
export function httpsUpgrade(url: string): string | undefined {
  const m = /^(git\+http|git|http|tarball\+http|file\+http):\/\/([^/?#]*)(.*)$/i.exec(url);
  if (!m) return undefined;
  const authority = m[2]!;
  const host = authority.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  if (authority !== host || !hostServesHttps(host)) return undefined; // user info or ports: leave alone
  const scheme = m[1]!.toLowerCase();
  const next = scheme === 'git' || scheme === 'git+http' ? 'git+https' : scheme.replace(/http$/, 'https');
  return `${next}://${host}${m[3]!}`;
}
