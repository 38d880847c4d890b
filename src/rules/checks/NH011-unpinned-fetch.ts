import type { FetchCall, FileModel } from '../../model/types.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { COMMIT_ID_IN_TEXT as COMMIT } from '../../core/commit-id.js';

const HASH_ARGS = ['sha256', 'hash', 'narHash', 'outputHash', 'sha512', 'sha1', 'md5'];

/**
 * Can the argument be read at all? `fetchurl ({ … } // x)` or a variable the model
 * could not resolve hide their arguments. A variable bound to an attrset literal
 * (`let args = { url = …; }; in fetchTarball args`) was resolved by the model into
 * `call.args`, so it counts as visible. `inherit a b;` brings in exactly the names it
 * lists, so it hides a hash only when it names one.
 */
function argumentsVisible(file: FileModel, call: FetchCall): boolean {
  const text = file.text.slice(call.argSpan.startOffset, call.argSpan.endOffset).trim();
  if (text.startsWith('"') || text.startsWith("''")) return true;
  if (/^[A-Za-z_][A-Za-z0-9_'-]*$/.test(text)) return call.args.size > 0;
  if (!text.startsWith('{') || !text.endsWith('}')) return false;
  if (/\.\.\./.test(text)) return false;
  for (const m of text.matchAll(/\binherit\b([^;]*);/g)) {
    // `inherit (src) rev sha256;` or `inherit sha256;`: the listed names are the arguments.
    const names = m[1]!.replace(/^\s*\([^)]*\)/, '').trim().split(/\s+/);
    if (names.some((n) => HASH_ARGS.includes(n) || n === 'rev')) return false;
  }
  return true;
}

function urlOf(call: FetchCall): string | undefined {
  const url = call.args.get('url');
  return url?.kind === 'string' ? url.value : undefined;
}

/** Local sources (`fetchGit ./.`, `fetchTree { type = "path"; }`) are not fetched over a network. */
function isLocal(call: FetchCall): boolean {
  const url = call.args.get('url');
  if (url?.kind === 'path') return true;
  const type = call.args.get('type');
  if (type?.kind === 'string' && type.value === 'path') return true;
  const u = urlOf(call);
  return u !== undefined && /^(?:path:|git\+file:|file:|\/|\.\.?\/)/.test(u);
}

/** `if lessThan nixVersion "1.12" then …`: the branch for Nix versions before 2.0 (niv's sources.nix and its copies). */
const OLD_NIX_BRANCH = /\bif\s+(?:builtins\.)?lessThan\s+(?:builtins\.)?nixVersion\s+"[01]\.[0-9.]*"\s+then\b/g;

/**
 * Is the call in the `then` branch of an old-Nix test? There fetchTarball takes no sha256
 * (Nix 1.11 had none), and no Nix of this decade takes that branch: the `else` branch has the hash.
 */
function inOldNixBranch(file: FileModel, call: FetchCall): boolean {
  for (const m of file.text.matchAll(OLD_NIX_BRANCH)) {
    const thenEnd = m.index! + m[0].length;
    if (call.span.startOffset < thenEnd) continue;
    if (!/\belse\b/.test(file.text.slice(thenEnd, call.span.startOffset))) return true;
  }
  return false;
}

/** NH011: fetchers without a content hash or a commit. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const call of file.fetches) {
    if (call.fetcher === 'getFlake') continue; // NH033's: a flake reference, locked by its rev or narHash
    if (isLocal(call) || !argumentsVisible(file, call) || inOldNixBranch(file, call)) continue;
    if (HASH_ARGS.some((a) => call.args.has(a))) continue;
    const url = urlOf(call) ?? '';
    const urlPinned = /[?&](?:narHash|rev)=/.test(url);
    if (!call.builtin) {
      out.push({
        span: call.span,
        severity: 'low',
        message: `${call.callee} has no hash; Nixpkgs fetchers refuse to build without one, so this is unfinished rather than unpinned`,
      });
      continue;
    }
    const gitLike = call.fetcher === 'fetchGit' || call.fetcher === 'fetchTree';
    if (gitLike) {
      if (call.args.has('rev') || urlPinned) continue;
      const ref = call.args.get('ref');
      const branch = ref?.kind === 'string' ? ` branch ${ref.value}` : ' the default branch';
      out.push({ span: call.span, message: `${call.callee} has no rev or narHash, so it follows${branch} and changes whenever it moves` });
      continue;
    }
    if (urlPinned) continue;
    if (COMMIT.test(url)) {
      out.push({
        span: call.span,
        severity: 'medium',
        message: `${call.callee} names a commit in its URL but has no sha256, so the downloaded content is never verified`,
      });
      continue;
    }
    out.push({ span: call.span, message: `${call.callee} has no sha256, so it uses whatever the URL serves at evaluation time` });
  }
  return out;
};
