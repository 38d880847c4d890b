/**
 * Supported nixpkgs release branches, embedded so scans work offline. NixOS supports a
 * release for about seven months (until the next-but-one release's branch-off plus one
 * month), so this list goes stale: it carries the date it was written, and the
 * `[options] supportedReleases` config key / RuleOptions.supportedReleases replaces it.
 * Source: https://nixos.org/manual/nixos/stable/release-notes and status.nixos.org.
 */
export interface SupportedBranches {
  /** ISO date the list was last checked. */
  asOf: string;
  /** Release versions (`YY.MM`) whose branches still receive security updates. */
  releases: string[];
}

export const SUPPORTED_BRANCHES: SupportedBranches = {
  asOf: '2026-11-25',
  // 26.05 is supported until 2026-12-31; 26.11 is branched off and in beta.
  releases: ['26.05', '26.11'],
};

/** A release version: NixOS has released in May and November (YY.05, YY.11) since 21.05. Also the config schema's pattern. */
export const RELEASE_PATTERN = '^\\d{2}\\.(05|11)$';
const RELEASE = new RegExp(RELEASE_PATTERN);

export function isReleaseName(s: string): boolean {
  return RELEASE.test(s);
}

/** Rolling branches that always receive updates. */
export const ROLLING_BRANCHES = ['master', 'nixos-unstable', 'nixos-unstable-small', 'nixpkgs-unstable', 'staging', 'staging-next'];

/** `nixos-23.11`, `nixos-23.11-small`, `nixpkgs-23.11-darwin`, `release-23.11` → `23.11`. */
export function releaseOfBranch(branch: string): string | undefined {
  return /^(?:nixos|nixpkgs|release)-(\d{2}\.\d{2})(?:-[a-z0-9-]+)?$/.exec(branch)?.[1];
}

/** undefined when the branch is not a release branch; otherwise whether it is supported. */
export function isSupportedBranch(branch: string, releases: readonly string[] = SUPPORTED_BRANCHES.releases): boolean | undefined {
  const rel = releaseOfBranch(branch);
  if (!rel) return undefined;
  return releases.includes(rel);
}
