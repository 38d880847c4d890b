import path from 'node:path';
import type { ScanResult } from './result.js';

/**
 * `scan --context DIR FILE…` (the pre-commit hook): the whole tree was modelled, and
 * only findings in the named files are reported. flake.nix and the flake.lock beside
 * it are one unit: a finding about a locked input moves from flake.lock to flake.nix
 * when both are scanned, so naming either reports both.
 */
export function reportOnly(result: ScanResult, named: string[]): ScanResult {
  const wanted = new Set<string>();
  for (const f of named.map((n) => path.resolve(n))) {
    wanted.add(f);
    const base = path.basename(f);
    if (base === 'flake.nix' || base === 'flake.lock') wanted.add(path.join(path.dirname(f), base === 'flake.nix' ? 'flake.lock' : 'flake.nix'));
  }
  const absOf = new Map(result.files.map((f) => [f.file, f.absPath]));
  const keep = (f: { span: { file: string } }): boolean => wanted.has(absOf.get(f.span.file) ?? path.resolve(result.root, f.span.file));
  return { ...result, findings: result.findings.filter(keep), suppressed: result.suppressed.filter(keep) };
}
