import type { FlakeInput } from '../../model/types.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { hasLockBeside } from './util.js';
import { COMMIT_ID_PATTERN, FULL_COMMIT_ID_ANY_CASE as COMMIT } from '../../core/commit-id.js';


/** Pinned by its own URL or attributes: a full commit rev or a narHash. */
function selfPinned(input: FlakeInput): boolean {
  const rev = input.attrs.get('rev');
  if (rev?.kind === 'string' && COMMIT.test(rev.value)) return true;
  if (input.attrs.has('narHash')) return true;
  const url = input.url;
  if (url?.kind !== 'string') return false;
  const u = url.value;
  if (new RegExp(`[?&]rev=${COMMIT_ID_PATTERN}\\b`, 'i').test(u) || /[?&]narHash=/.test(u)) return true;
  // github:owner/repo/<commit>, gitlab:…, sourcehut:…
  const m = /^(?:github|gitlab|sourcehut):[^?]*?\/([^/?]+)(?:\?|$)/.exec(u);
  return !!m && u.split('?')[0]!.split('/').length >= 3 && COMMIT.test(m[1]!);
}

function isLocal(input: FlakeInput): boolean {
  const v = input.url?.kind === 'string' ? input.url.value : '';
  const type = input.attrs.get('type');
  return /^(?:path:|git\+file:|file:|\/|\.\.?\/|self$)/.test(v) || (type?.kind === 'string' && type.value === 'path');
}

/** NH014: flake inputs without a lock file beside flake.nix and not pinned to a commit. */
export const check: RuleCheck = (file, ctx) => {
  if (!file.flakeInputs || file.flakeInputs.length === 0 || hasLockBeside(file, ctx.model)) return [];
  const out: RawFinding[] = [];
  for (const input of file.flakeInputs) {
    if (input.follows) continue;
    if (input.url?.kind === 'unknown') continue;
    if (!input.url && input.attrs.size === 0) continue;
    if (isLocal(input) || selfPinned(input)) continue;
    const ref = input.attrs.get('ref');
    const what = input.url?.kind === 'string' ? input.url.value : ref?.kind === 'string' ? `ref ${ref.value}` : 'its default branch';
    out.push({ span: input.url?.span ?? input.span, message: `flake input ${input.name} follows ${what} and there is no flake.lock beside flake.nix` });
  }
  return out;
};
