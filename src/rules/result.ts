import type { SourceKind } from '../discover/kind.js';
import type { Note, Selection } from './engine.js';
import type { Finding, RuleMeta } from './types.js';

export interface ScannedFile {
  /** As shown to users (relative to the scan root). */
  file: string;
  absPath: string;
  kind: SourceKind;
  /** Kept for code frames and fingerprints. */
  text: string;
}

/** Everything a report needs; report renderers are pure functions of this. */
export interface ScanResult {
  tool: { name: string; version: string };
  /** Absolute scan root; report URIs are relative to it. */
  root: string;
  /** Rules that ran (disabled ones excluded). */
  rules: RuleMeta[];
  files: ScannedFile[];
  findings: Finding[];
  suppressed: Finding[];
  belowThreshold: number;
  notes: Note[];
  selection: Selection;
  /** The config file used, if any. */
  configFile?: string;
  /** Set by `scan --fix`: how many findings its fixes resolved (they stay in `findings`, marked applied). */
  fixed?: number;
}

/** The findings still standing: all of them, less those a `--fix` run resolved. */
export function remainingFindings(result: Pick<ScanResult, 'findings'>): Finding[] {
  return result.findings.filter((f) => f.fixStatus?.state !== 'applied');
}
