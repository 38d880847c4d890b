import type { Fix } from '../../edit/types.js';
import type { FileModel } from '../../model/types.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { httpsUpgrade } from './https-hosts.js';
import { pinSites } from './pin-sites.js';
import { isLoopbackUrl } from './util.js';

/** http://, git:// and git+http:// carry no integrity: anyone on the path can change the source. */
function insecureScheme(url: string): string | undefined {
  const m = /^((?:[a-z]+\+)?http|git):\/\//i.exec(url.trim());
  if (!m || isLoopbackUrl(url.trim().replace(/^[a-z]+\+/i, ''))) return undefined;
  return m[1]!.toLowerCase();
}

/** The scheme-upgrade fix, when the URL is written literally inside the span and its host serves https. */
function upgradeFix(file: FileModel, url: string, span: { startOffset: number; endOffset: number }): Fix | undefined {
  const upgraded = httpsUpgrade(url);
  if (!upgraded) return undefined;
  const text = file.text.slice(span.startOffset, span.endOffset);
  const at = text.indexOf(url);
  if (at < 0 || text.indexOf(url, at + 1) >= 0) return undefined;
  const start = span.startOffset + at;
  return {
    tier: 'safe',
    description: `use ${upgraded.split('://')[0]}:// (the host serves it)`,
    edits: [{ file: file.file, startOffset: start, endOffset: start + url.length, replacement: upgraded }],
  };
}

/** NH023: flake inputs, lock nodes and niv/npins entries fetched over http://, git:// or git+http://. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const site of pinSites(file)) {
    if (site.kind === 'fetch') continue; // NH012 covers fetcher calls
    const url = site.ref.url;
    if (!url) continue;
    const scheme = insecureScheme(url);
    if (!scheme) continue;
    const fix = site.kind === 'input' ? upgradeFix(file, url, site.span) : undefined;
    out.push({
      span: site.span,
      message: `${site.label} is fetched over ${scheme}://, which anyone on the network path can tamper with`,
      ...(fix ? { fix } : {}),
    });
  }
  return out;
};
