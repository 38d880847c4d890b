import { inputUpgradeFix, upgradeFix } from '../fixes/url-upgrade.js';
import type { Span } from '../../core/span.js';
import type { StaticValue } from '../../model/types.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { hasLockBeside, isPlainHttp } from './util.js';

const HASH_ARGS = ['sha256', 'hash', 'narHash', 'outputHash', 'sha512', 'sha1'];

function urls(v: StaticValue | undefined): { url: string; span: Span }[] {
  if (!v) return [];
  if (v.kind === 'string') return [{ url: v.value, span: v.span }];
  if (v.kind === 'list') return v.items.flatMap((i) => urls(i));
  return [];
}

/** NH012: downloads over plain http: fetchers, flake inputs, niv/npins sources. */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  for (const call of file.fetches) {
    const hashed = HASH_ARGS.some((a) => call.args.has(a));
    for (const { url, span } of [...urls(call.args.get('url')), ...urls(call.args.get('urls'))]) {
      if (!isPlainHttp(url)) continue;
      // The hash (if any) is unchanged by the scheme, so the upgrade cannot change what is built.
      const fix = upgradeFix(file, url, span);
      out.push({
        ...(hashed
          ? { span, severity: 'low' as const, message: `${call.callee} downloads ${url} over plain HTTP; the hash still protects the content` }
          : { span, message: `${call.callee} downloads ${url} over plain HTTP with no hash, so the content can be replaced in transit` }),
        ...(fix ? { fix } : {}),
      });
    }
  }
  if (file.flakeInputs) {
    const locked = hasLockBeside(file, ctx.model);
    for (const input of file.flakeInputs) {
      const v = input.url;
      if (v?.kind !== 'string' || !isPlainHttp(v.value)) continue;
      const fix = inputUpgradeFix(file, ctx.model, input.name, v.value, v.span);
      out.push({
        ...(locked
          ? { span: v.span, severity: 'low' as const, message: `flake input ${input.name} is fetched over plain HTTP; flake.lock's narHash still protects the content` }
          : { span: v.span, message: `flake input ${input.name} is fetched over plain HTTP and not locked` }),
        ...(fix ? { fix } : {}),
      });
    }
  }
  for (const node of file.lockNodes ?? []) {
    for (const [fields, spans, which] of [
      [node.locked, node.lockedSpans, 'locked'],
      [node.original, node.originalSpans, 'original'],
    ] as const) {
      const url = fields?.get('url');
      if (typeof url !== 'string' || !isPlainHttp(url)) continue;
      const hashed = node.locked?.has('narHash') ?? false;
      out.push({
        span: spans.get('url') ?? node.span,
        severity: hashed ? 'low' : 'high',
        message: `flake.lock ${which} URL of input ${node.inputPath.join('/') || node.id} uses plain HTTP (${url})${hashed ? '; the locked narHash still protects the content' : ''}`,
      });
    }
  }
  for (const entry of file.sources ?? []) {
    for (const field of ['url', 'repository', 'url_template']) {
      const url = entry.fields.get(field);
      if (typeof url !== 'string' || !isPlainHttp(url)) continue;
      const span = entry.fieldSpans.get(field) ?? entry.span;
      const hashed = entry.fields.has('sha256') || entry.fields.has('hash');
      out.push({ span, severity: hashed ? 'low' : 'high', message: `${entry.tool} source ${entry.name} is fetched over plain HTTP (${url})` });
    }
  }
  return out;
};
