import type { RawFinding, RuleCheck } from '../types.js';
import { followsWhat, isLocalRef, isMutableRef, parseFlakeUrl } from '../../model/flake-ref.js';

/** NH033: `builtins.getFlake` of a remote flake reference without a commit or narHash. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const call of file.fetches) {
    if (call.fetcher !== 'getFlake') continue;
    const url = call.args.get('url');
    if (url?.kind !== 'string') continue; // `getFlake (toString ./.)`, a variable: can't tell
    const ref = parseFlakeUrl(url.value);
    if (isLocalRef(ref) || !isMutableRef(ref) || ref.narHash) continue;
    out.push({
      span: url.span,
      message: `${call.callee} "${url.value}" follows ${followsWhat(ref)}: each evaluation fetches and runs whatever it holds then, and no lock records it`,
    });
  }
  return out;
};
