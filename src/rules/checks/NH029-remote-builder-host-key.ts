import type { StaticValue } from '../../model/types.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { settingsFor } from '../../model/setting-views.js';

/**
 * NH029: remote builders without a pinned host key. Outputs built remotely are imported
 * into the local store without signature checks, so the builder's identity is the trust anchor.
 */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const a of file.assignments) {
    if (a.path.join('.') !== 'nix.buildMachines' || a.value.kind !== 'list') continue;
    for (const item of a.value.items) {
      if (item.kind !== 'attrs') continue;
      const host = item.entries.get('hostName');
      const key = item.entries.get('publicHostKey');
      if (key && !(key.kind === 'null' || (key.kind === 'string' && key.value === ''))) continue;
      const protocol = item.entries.get('protocol');
      if (protocol?.kind === 'string' && !/^ssh/.test(protocol.value)) continue;
      out.push({
        span: item.span,
        message: `remote builder ${describe(host)} has no publicHostKey; its outputs are trusted, so whoever answers for that host name builds your system`,
      });
    }
  }
  for (const s of settingsFor(file, 'builders')) {
    if (s.unknown) continue;
    const machines = s.words
      .map((w) => w.text)
      .join(' ')
      .split(/[;\n]/)
      .map((m) => m.trim())
      .filter((m) => /^ssh(?:-ng)?:\/\//.test(m));
    for (const m of machines) {
      const fields = m.split(/\s+/);
      if (fields.length >= 8 && fields[7] !== '-' && fields[7] !== '') continue;
      out.push({ span: s.span, message: `builder ${fields[0]} in builders has no host key (8th field); its outputs are trusted unverified` });
    }
  }
  return out;
};

function describe(v: StaticValue | undefined): string {
  return v?.kind === 'string' ? v.value : '(unknown host)';
}
