import path from 'node:path';
import type { SourceKind } from '../model/types.js';

/** The kind of a file, from its name: `*.nix`, `flake.lock`, `nix.conf` / `nix.custom.conf`, `sources.json`. */
export function kindOfPath(p: string): SourceKind | undefined {
  const base = path.basename(p);
  if (base.endsWith('.nix')) return 'nix';
  if (base === 'flake.lock') return 'flake.lock';
  if (base === 'nix.conf' || base === 'nix.custom.conf') return 'nix.conf';
  if (base === 'sources.json') return 'sources.json';
  return undefined;
}
