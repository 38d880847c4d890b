/**
 * Nix's own parser as the edit guard: `nix-instantiate --parse` also rejects what
 * tree-sitter accepts (an attribute defined twice after a rename, say). Falls back to the
 * tree-sitter guard when Nix is not installed, so a missing tool never lets an edit through unchecked.
 */
import { spawnSync } from 'node:child_process';
import { nixGuard } from '../edit/guards.js';
import type { EditGuard } from '../edit/plan.js';

let available: boolean | undefined;
function nixAvailable(): boolean {
  if (available === undefined) available = spawnSync('nix-instantiate', ['--version'], { encoding: 'utf8' }).status === 0;
  return available;
}

export function nixInstantiateGuard(): EditGuard {
  const fallback = nixGuard();
  return (file, text) => {
    if (!nixAvailable()) return fallback(file, text);
    const r = spawnSync('nix-instantiate', ['--parse', '-'], { input: text, encoding: 'utf8', env: { ...process.env, NIX_PATH: '' } });
    if (r.status === 0) return undefined;
    const err = r.stderr ?? '';
    const msg = (err.split('\n').find((l) => l.startsWith('error:')) ?? 'error: rejected').replace(/^error:\s*/, '').replace(/ at \(string\).*$| at «stdin».*$/, '');
    const at = /«stdin»:(\d+):(\d+)/.exec(err);
    return `the edit would introduce a Nix syntax error${at ? ` at line ${at[1]}, column ${at[2]}` : ''} (nix-instantiate --parse): ${msg}`;
  };
}
