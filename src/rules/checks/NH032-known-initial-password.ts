import type { RawFinding, RuleCheck } from '../types.js';

/** NH032: `users.users.<name>.initialPassword` as a literal: a password everyone with the repository knows. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const a of file.assignments) {
    // `…users.users.<name>.initialPassword`, also inside a nested system (`containers.<n>.config.…`).
    const p = a.path.slice(-4);
    if (p.length !== 4 || p[0] !== 'users' || (p[1] !== 'users' && p[1] !== 'extraUsers') || p[3] !== 'initialPassword') continue;
    if (a.value.kind !== 'string') continue;
    const user = p[2]!;
    out.push(
      a.value.value === ''
        ? { span: a.value.span, severity: 'high', message: `user ${user} is created with an empty initial password` }
        : { span: a.value.span, message: `user ${user} is created with a known initial password, readable in the repository and the Nix store` },
    );
  }
  return out;
};
