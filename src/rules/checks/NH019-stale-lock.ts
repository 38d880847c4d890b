import type { RawFinding, RuleCheck } from '../types.js';
import { lockLabel } from '../../model/pins.js';

const DAY = 86_400_000;

/** NH019: a flake.lock node (root or transitive) whose locked revision is older than staleDays. */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  const days = ctx.options.staleDays;
  for (const node of file.lockNodes ?? []) {
    const last = node.locked?.get('lastModified');
    if (typeof last !== 'number' || node.locked?.get('type') === 'path') continue;
    const age = Math.floor((ctx.options.now.getTime() - last * 1000) / DAY);
    if (age <= days) continue;
    const when = new Date(last * 1000).toISOString().slice(0, 10);
    out.push({
      span: node.lockedSpans.get('lastModified') ?? node.span,
      message: `${lockLabel(node)} was last updated ${age} days ago (${when}), more than ${days}; it misses every security fix since`,
    });
  }
  return out;
};
