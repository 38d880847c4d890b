import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting } from './util.js';
import { settingsFor } from '../../model/setting-views.js';

/** Host paths whose contents are secrets (keys, credentials, home directories). */
const SECRET_PATHS = /^(?:\/etc\/(?:ssh|nix\/(?:netrc|secret|signing))|\/root|\/home|\/var\/lib\/(?:secrets|sops-nix|agenix)|\/run\/(?:secrets|agenix|keys))(?:\/|$)/;
/** State and runtime directories: often secrets, not always. */
const MAYBE_SECRET = /^\/(?:var\/lib|run)(?:\/|$)/;

/** NH034: sandbox-paths that expose host secrets to every build; `build-users-group = ""`. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'sandbox-paths')) {
    for (const w of s.words) {
      // `target=source` binds source at target; `path?` is optional.
      const source = w.text.slice(w.text.indexOf('=') + 1).replace(/\?$/, '');
      if (SECRET_PATHS.test(source)) {
        out.push({ span: w.span, message: `${describeSetting(s)} binds ${source} into every build sandbox: any derivation can read it and copy it into its output` });
      } else if (MAYBE_SECRET.test(source)) {
        out.push({ span: w.span, severity: 'medium', message: `${describeSetting(s)} binds ${source} into every build sandbox; make sure it holds no secrets` });
      }
    }
  }
  for (const s of settingsFor(file, 'build-users-group')) {
    if (s.unknown || s.words.length > 0) continue;
    out.push({ span: s.span, message: `${describeSetting(s)} is empty: builds run as the daemon's own user (root) instead of the nixbld build users` });
  }
  return out;
};
