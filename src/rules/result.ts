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
}
