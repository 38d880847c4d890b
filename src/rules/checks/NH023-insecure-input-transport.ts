import type { RawFinding, RuleCheck } from '../types.js';
import { inputUpgradeFix } from '../fixes/url-upgrade.js';
import { pinSites } from './pin-sites.js';
import { isLoopbackUrl } from './util.js';

/** git:// carries no integrity or authentication. Plain http(s) variants are NH012's. */
function insecureScheme(url: string): string | undefined {
  const m = /^(git):\/\//i.exec(url.trim());
  if (!m || isLoopbackUrl(url.trim())) return undefined;
  return m[1]!.toLowerCase();
}


/** NH023: flake inputs, lock nodes and niv/npins entries fetched over git:// (NH012 covers http). */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  for (const site of pinSites(file)) {
    if (site.kind === 'fetch') continue; // NH012 covers fetcher calls
    const url = site.ref.url;
    if (!url) continue;
    const scheme = insecureScheme(url);
    if (!scheme) continue;
    const fix = site.kind === 'input' ? inputUpgradeFix(file, ctx.model, site.label.replace(/^flake input /, ''), url, site.span) : undefined;
    out.push({
      span: site.span,
      message: `${site.label} is fetched over ${scheme}://, which anyone on the network path can tamper with`,
      ...(fix ? { fix } : {}),
    });
  }
  return out;
};
