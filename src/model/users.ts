/**
 * Accounts declared in `users.users.<name>` (and the old `users.extraUsers`):
 * kind, uid, groups and shell. Passwords and keys are never read into it.
 */
import type { Span } from '../core/span.js';
import type { FileModel, StaticValue } from './types.js';

export interface UserAccount {
  name: string;
  normal: boolean;
  system: boolean;
  uid?: number;
  group?: string;
  groups: string[];
  /** `pkgs.zsh` → `zsh`; unknown expressions keep their text. */
  shell?: string;
  /** Number of `openssh.authorizedKeys.keys` entries (the keys themselves are not copied). */
  authorizedKeys: number;
  file: string;
  span: Span;
}

function str(v: StaticValue): string | undefined {
  return v.kind === 'string' ? v.value : undefined;
}

export function usersOf(files: readonly FileModel[]): UserAccount[] {
  const byName = new Map<string, UserAccount>();
  for (const file of files) {
    if (file.kind !== 'nix') continue;
    for (const a of file.assignments) {
      const p = a.path;
      if (p[0] !== 'users' || (p[1] !== 'users' && p[1] !== 'extraUsers') || p.length < 4) continue;
      const name = p[2]!;
      let u = byName.get(name);
      if (!u) byName.set(name, (u = { name, normal: false, system: false, groups: [], authorizedKeys: 0, file: file.file, span: a.span }));
      const key = p.slice(3).join('.');
      const v = a.value;
      if (key === 'isNormalUser' && v.kind === 'bool') u.normal = v.value;
      else if (key === 'isSystemUser' && v.kind === 'bool') u.system = v.value;
      else if (key === 'uid' && v.kind === 'int') u.uid = v.value;
      else if (key === 'group' && str(v)) u.group = str(v);
      else if (key === 'extraGroups' && v.kind === 'list') u.groups.push(...v.items.map(str).filter((g): g is string => !!g));
      else if (key === 'shell') u.shell = v.kind === 'unknown' ? v.text.replace(/^pkgs\./, '') : (str(v) ?? v.kind);
      else if (key === 'openssh.authorizedKeys.keys' && v.kind === 'list') u.authorizedKeys += v.items.length;
    }
  }
  return [...byName.values()];
}
