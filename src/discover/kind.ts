import path from 'node:path';
/** The kinds of file a scan reads. */
export type SourceKind = 'nix' | 'nix.conf' | 'flake.lock' | 'sources.json';

/** The kind of a file, from its name: `*.nix`, `flake.lock`, `nix.conf` / `nix.custom.conf`, `sources.json`. */
export function kindOfPath(p: string): SourceKind | undefined {
  const base = path.basename(p);
  if (base.endsWith('.nix')) return 'nix';
  if (base === 'flake.lock') return 'flake.lock';
  if (base === 'nix.conf' || base === 'nix.custom.conf') return 'nix.conf';
  if (base === 'sources.json') return 'sources.json';
  return undefined;
}
