import type { RuleCheck } from '../types.js';

/** NH017: files nixharden (and Nix) cannot parse; nothing else in them was checked. */
export const check: RuleCheck = (file) => file.parseProblems.map((p) => ({ span: p.span, message: p.message }));
