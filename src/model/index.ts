/**
 * The model layer's entry: one file's text → its FileModel. Pure (no I/O):
 * the scan pipeline reads the files and calls this, in worker threads or not.
 */
import { modelFlakeLock, modelNixConf, modelSources } from './data-files.js';
import { modelNixFile, type NixModelOptions } from './nix-file.js';
import type { FileModel } from './types.js';
import type { SourceKind } from '../discover/kind.js';

export type { FileModel, ConfigModel } from './types.js';

export interface FileModelInput {
  /** Path as shown to users (relative to the scan root). */
  file: string;
  absPath: string;
  text: string;
  kind: SourceKind;
}

export type ModelOptions = NixModelOptions;

export function buildFileModel(input: FileModelInput, opts: ModelOptions = {}): FileModel {
  switch (input.kind) {
    case 'nix':
      return modelNixFile(input, opts);
    case 'nix.conf':
      return modelNixConf(input);
    case 'flake.lock':
      return modelFlakeLock(input);
    case 'sources.json':
      return modelSources(input);
  }
}
