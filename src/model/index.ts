/**
 * The model layer's entry: one file's text → its FileModel. Pure (no I/O):
 * the scan pipeline reads the files and calls this, in worker threads or not.
 */
import path from 'node:path';
import { modelFlakeLock, modelNixConf, modelSources } from './data-files.js';
import { modelNixFile } from './nix-file.js';
import type { FileModel, SourceKind } from './types.js';

export type { FileModel, ConfigModel } from './types.js';

/** The kind of a discovered file, from its name. */
export function kindOfPath(p: string): SourceKind | undefined {
  const base = path.basename(p);
  if (base.endsWith('.nix')) return 'nix';
  if (base === 'flake.lock') return 'flake.lock';
  if (base === 'nix.conf' || base === 'nix.custom.conf') return 'nix.conf';
  if (base === 'sources.json') return 'sources.json';
  return undefined;
}

export interface FileModelInput {
  /** Path as shown to users (relative to the scan root). */
  file: string;
  absPath: string;
  text: string;
  kind: SourceKind;
}

export function buildFileModel(input: FileModelInput): FileModel {
  switch (input.kind) {
    case 'nix':
      return modelNixFile(input);
    case 'nix.conf':
      return modelNixConf(input);
    case 'flake.lock':
      return modelFlakeLock(input);
    case 'sources.json':
      return modelSources(input);
  }
}
