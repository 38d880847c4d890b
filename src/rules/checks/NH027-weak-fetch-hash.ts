import type { RawFinding, RuleCheck } from '../types.js';

const WEAK_ARGS = ['md5', 'sha1'];
const WEAK_SRI = /^(md5|sha1)-/i;

/** NH027: fetchers pinned with MD5 or SHA-1, hashes for which collisions can be made. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const call of file.fetches) {
    for (const [name, v] of call.args) {
      const weakArg = WEAK_ARGS.includes(name);
      const weakSri = (name === 'hash' || name === 'outputHash') && v.kind === 'string' && WEAK_SRI.test(v.value);
      const weakAlgo = name === 'outputHashAlgo' && v.kind === 'string' && WEAK_ARGS.includes(v.value.toLowerCase());
      if (!weakArg && !weakSri && !weakAlgo) continue;
      const algo = weakArg ? name : weakSri ? WEAK_SRI.exec((v as { value: string }).value)![1]!.toLowerCase() : (v as { value: string }).value;
      out.push({ span: v.span, message: `${call.callee} checks its download with ${algo.toUpperCase()}, which is broken: a colliding file can pass the check` });
    }
  }
  return out;
};
