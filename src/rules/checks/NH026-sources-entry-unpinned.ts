import type { RawFinding, RuleCheck } from '../types.js';

const HASH_FIELDS = ['sha256', 'hash', 'narHash'];

/** NH026: niv/npins entries without a content hash, or tracking a branch. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const e of file.sources ?? []) {
    const type = String(e.fields.get('type') ?? '').toLowerCase();
    if (type === 'local' || type === 'path') continue;
    const label = `${e.tool} entry ${e.name}`;
    if (!HASH_FIELDS.some((k) => typeof e.fields.get(k) === 'string' && (e.fields.get(k) as string).length > 0)) {
      out.push({ span: e.span, severity: 'medium', message: `${label} has no hash, so its content is never checked` });
    }
    const branch = e.fields.get('branch');
    if (typeof branch === 'string' && branch.length > 0) {
      out.push({
        span: e.fieldSpans.get('branch') ?? e.span,
        severity: 'low',
        message: `${label} tracks branch ${branch}; each update takes whatever the branch holds, unverified (\`nixharden pin\` can move it to a verified signed commit)`,
      });
    }
  }
  return out;
};
