/** One entry point: the edits that move a pin to a target commit. */
import type { TextEdit } from '../../core/text-edit.js';
import type { Pin } from '../../model/pin-types.js';
import { rewriteLockNode, rewriteSourcesEntry } from './json-pins.js';
import { rewriteFetch, rewriteFlakeInput } from './nix-pins.js';
import type { PinTarget } from './target.js';
import { UserError } from '../../core/errors.js';

export type { PinTarget } from './target.js';
export { formatHash, hashStyleOf } from './target.js';

/**
 * Edits (against the file's absolute path) that point `pin` at `t`.
 * `pinOriginal`: for a flake.lock node whose flake.nix input moves to the rev too.
 */
export function rewritePin(pin: Pin, t: PinTarget, opts: { pinOriginal?: boolean } = {}): TextEdit[] {
  let edits: TextEdit[];
  const o = pin.origin;
  switch (o.type) {
    case 'flake-input':
      edits = rewriteFlakeInput(pin, o.input, t);
      break;
    case 'flake-lock':
      edits = rewriteLockNode(pin, o.node, t, opts.pinOriginal ?? false);
      break;
    case 'fetch':
      edits = rewriteFetch(pin, o.call, t);
      break;
    case 'sources':
      edits = rewriteSourcesEntry(pin, o.entry, t);
      break;
    case 'channel':
      throw new UserError(`a <${pin.name}> lookup depends on NIX_PATH and cannot be pinned in place; use a pinned fetchTarball`, undefined, pin.file, pin.line);
  }
  return edits.map((e) => ({ ...e, file: pin.model.absPath }));
}
