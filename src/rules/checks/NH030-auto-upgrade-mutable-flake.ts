import type { RawFinding, RuleCheck } from '../types.js';
import { followsWhat, isLocalRef, isMutableRef, parseFlakeUrl } from '../../model/flake-ref.js';

/**
 * NH030: system.autoUpgrade from a remote flake that follows a branch: as root, on a timer,
 * the machine switches to whatever the branch holds, with no lock and no signature check.
 */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const a of file.assignments) {
    if (a.path.join('.') !== 'system.autoUpgrade.flake' || a.value.kind !== 'string') continue;
    const url = a.value.value.replace(/#.*$/, '');
    const ref = parseFlakeUrl(url);
    if (isLocalRef(ref) || ref.type === 'indirect' || !isMutableRef(ref)) continue;
    out.push({
      span: a.value.span,
      message: `system.autoUpgrade switches the machine to ${url}, which follows ${followsWhat(ref)}; any push there is deployed as root without review or signature check`,
    });
  }
  return out;
};
