/**
 * Nix's own parser, `nix-instantiate --parse`, as an extra check on edited text. It also
 * rejects what our parsers might let through (an attribute defined twice after a rename,
 * say). It runs with `--store dummy://`, so it needs no daemon and no store: as a user
 * who may not open the daemon socket it still parses. When it cannot run at all, that is
 * "could not check", never a syntax error.
 */
import { spawnSync } from 'node:child_process';

export type NixCheck =
  | { verdict: 'valid' }
  | { verdict: 'invalid'; message: string; line?: number; column?: number }
  | { verdict: 'unavailable'; reason: string };

let installed: boolean | undefined;
function nixInstalled(): boolean {
  installed ??= spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).status === 0;
  return installed;
}

/** Nix's verdict on `text` as a Nix file. */
export function nixInstantiateCheck(text: string): NixCheck {
  if (!nixInstalled()) return { verdict: 'unavailable', reason: 'nix-instantiate is not installed' };
  const r = spawnSync('nix-instantiate', ['--store', 'dummy://', '--parse', '-'], {
    input: text,
    encoding: 'utf8',
    env: { ...process.env, NIX_PATH: '', NIX_REMOTE: '' },
    maxBuffer: 1 << 30,
  });
  if (r.status === 0) return { verdict: 'valid' };
  const err = r.stderr ?? r.error?.message ?? '';
  const at = /«stdin»:(\d+):(\d+)/.exec(err) ?? /\(string\):(\d+):(\d+)/.exec(err);
  const line = err.split('\n').find((l) => l.startsWith('error:')) ?? '';
  // Only a parse error located in the text is Nix's verdict on it; anything else is Nix failing to run.
  if (!at || !/syntax error|unexpected|undefined variable|attribute .* already defined|invalid|memory exhausted|duplicate/i.test(line)) {
    return { verdict: 'unavailable', reason: (line || err.split('\n')[0] || `exit ${r.status}`).replace(/^error:\s*/, '').trim() };
  }
  const message = line.replace(/^error:\s*/, '').replace(/ at \(string\).*$| at «stdin».*$/, '');
  return { verdict: 'invalid', message, line: Number(at[1]), column: Number(at[2]) };
}
