import type { RuleCheck } from '../types.js';
import { lockLabel } from '../../model/pins.js';
import { lockOriginal } from '../../model/flake-ref.js';
import { foldPerLock, type InputFinding } from './input-groups.js';

const DAY = 86_400_000;

/**
 * NH019: a flake.lock node (root or transitive) whose locked revision is older than staleDays.
 * The default profile folds nodes other than the key inputs into one finding per flake.lock.
 */
export const check: RuleCheck = (file, ctx) => {
  const items: InputFinding[] = [];
  const days = ctx.options.staleDays;
  for (const node of file.lockNodes ?? []) {
    const last = node.locked?.get('lastModified');
    if (typeof last !== 'number' || node.locked?.get('type') === 'path') continue;
    const age = Math.floor((ctx.options.now.getTime() - last * 1000) / DAY);
    if (age <= days) continue;
    const when = new Date(last * 1000).toISOString().slice(0, 10);
    const name = node.inputPath.join('/') || node.id;
    items.push({
      name,
      shown: `${name} (${age} days)`,
      direct: node.direct,
      ref: lockOriginal(node),
      raw: {
        span: node.lockedSpans.get('lastModified') ?? node.span,
        message: `${lockLabel(node)} was last updated ${age} days ago (${when}), more than ${days}; it misses every security fix since`,
      },
    });
  }
  return foldPerLock(
    ctx,
    items,
    () => true,
    (names) => `flake.lock nodes ${names} were last updated more than ${days} days ago; they miss every security fix since`,
  );
};
