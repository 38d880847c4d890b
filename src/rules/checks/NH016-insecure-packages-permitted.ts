import type { RawFinding, RuleCheck } from '../types.js';

/** NH016: nixpkgs config that lets insecure packages evaluate. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const a of file.assignments) {
    const last = a.path[a.path.length - 1];
    const v = a.value;
    if (last === 'permittedInsecurePackages') {
      if (v.kind === 'list') {
        for (const item of v.items) {
          const name = item.kind === 'string' ? item.value : file.text.slice(item.span.startOffset, item.span.endOffset);
          out.push({ span: item.span, message: `insecure package ${name} is permitted` });
        }
      } else if (v.kind === 'unknown') {
        out.push({ span: a.span, confidence: 'low', message: `permittedInsecurePackages is set from an expression nixharden cannot read` });
      }
    } else if (last === 'allowInsecurePredicate') {
      out.push({ span: a.span, message: `allowInsecurePredicate lets packages marked insecure evaluate` });
    } else if (last === 'NIXPKGS_ALLOW_INSECURE') {
      if ((v.kind === 'string' && v.value === '1') || (v.kind === 'int' && v.value === 1))
        out.push({ span: a.span, message: `NIXPKGS_ALLOW_INSECURE=1 lets every insecure package evaluate` });
    }
  }
  return out;
};
