import type { RawFinding, RuleCheck } from '../types.js';
import { lockLabel } from '../../model/pins.js';

/** NH022: a flake.lock node with a `locked` entry but no narHash: its content is never checked. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const node of file.lockNodes ?? []) {
    if (!node.locked || node.locked.has('narHash')) continue;
    if (node.locked.get('type') === 'path' && !node.locked.has('lastModified')) continue;
    out.push({
      span: node.lockedSpans.get('rev') ?? node.lockedSpans.get('url') ?? node.span,
      message: `${lockLabel(node)} has no narHash, so the fetched content is not checked against the lock`,
    });
  }
  return out;
};
