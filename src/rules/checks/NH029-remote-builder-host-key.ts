import type { ConfigModel, StaticValue } from '../../model/types.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { settingsFor } from '../../model/setting-views.js';

/**
 * NH029: remote builders without a pinned host key. Outputs built remotely are imported
 * into the local store without signature checks, so the builder's identity is the trust anchor.
 * A key pinned in the builder entry, or for its host in `programs.ssh.knownHosts` (anywhere in
 * the scanned configuration, through `Host` aliases of `programs.ssh.extraConfig`), counts.
 */
export const check: RuleCheck = (file, ctx) => {
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
      // `grpc://…`, `unix://…`: not an SSH host, so no SSH host key to pin.
      if (host?.kind === 'string' && /^[a-z][a-z0-9+.-]*:\/\//i.test(host.value) && !/^ssh(?:-ng)?:\/\//i.test(host.value)) continue;
      if (host?.kind === 'string' && hostKeyPinned(ctx.model, host.value)) continue;
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
      if (hostKeyPinned(ctx.model, fields[0]!)) continue;
      out.push({ span: s.span, message: `builder ${fields[0]} in builders has no host key (8th field); its outputs are trusted unverified` });
    }
  }
  return out;
};

function describe(v: StaticValue | undefined): string {
  return v?.kind === 'string' ? v.value : '(unknown host)';
}

/** `ssh-ng://nix@host:22` → `host`. */
function bareHost(s: string): string {
  return s
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^@/]*@/, '')
    .replace(/[:/].*$/, '')
    .toLowerCase();
}

interface SshKnowledge {
  /** Host patterns with a pinned key (`programs.ssh.knownHosts` names, hostNames, extraHostNames). */
  patterns: string[];
  /** `Host alias` → `HostName real` from ssh_config text. */
  aliases: Map<string, string>;
}

const knowledge = new WeakMap<ConfigModel, SshKnowledge>();

function strings(v: StaticValue): string[] {
  if (v.kind === 'string') return [v.value];
  if (v.kind === 'list') return v.items.flatMap(strings);
  return [];
}

/** What the configuration tells SSH about hosts: pinned keys (NixOS asserts each knownHosts entry has one) and aliases. */
function sshKnowledge(model: ConfigModel): SshKnowledge {
  let k = knowledge.get(model);
  if (k) return k;
  k = { patterns: [], aliases: new Map() };
  for (const f of model.files) {
    for (const a of f.assignments) {
      const i = a.path.findIndex((p, j) => p === 'knownHosts' && (a.path[j - 1] === 'ssh' || a.path[j - 1] === 'openssh'));
      if (i >= 0 && a.path.length > i + 1) {
        k.patterns.push(a.path[i + 1]!.toLowerCase());
        const field = a.path[i + 2];
        if (field === 'hostNames' || field === 'extraHostNames') k.patterns.push(...strings(a.value).map((s) => s.toLowerCase()));
        if (a.path.length === i + 2 && a.value.kind === 'attrs') {
          for (const field of ['hostNames', 'extraHostNames']) {
            const v = a.value.entries.get(field);
            if (v) k.patterns.push(...strings(v).map((s) => s.toLowerCase()));
          }
        }
      }
      const last = a.path[a.path.length - 1];
      if (last === 'extraConfig' && a.path.includes('ssh')) for (const text of strings(a.value)) readSshConfig(text, k.aliases);
      // home-manager: programs.ssh.matchBlocks.<alias>.hostname
      const mb = a.path.indexOf('matchBlocks');
      if (mb >= 0 && a.path[mb + 2] === 'hostname' && a.value.kind === 'string') {
        for (const alias of a.path[mb + 1]!.split(/\s+/)) k.aliases.set(alias.toLowerCase(), a.value.value.toLowerCase());
      }
    }
  }
  knowledge.set(model, k);
  return k;
}

/** `Host a b` … `HostName x` blocks of ssh_config text. */
function readSshConfig(text: string, aliases: Map<string, string>): void {
  let hosts: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(Host|HostName)\s+(.+?)\s*$/i.exec(line);
    if (!m) continue;
    if (m[1]!.toLowerCase() === 'host') hosts = m[2]!.split(/\s+/).filter((h) => !h.startsWith('!'));
    else for (const h of hosts) aliases.set(h.toLowerCase(), m[2]!.toLowerCase());
  }
}

function globMatch(pattern: string, host: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return re.test(host);
}

function hostKeyPinned(model: ConfigModel, written: string): boolean {
  const k = sshKnowledge(model);
  const host = bareHost(written);
  const names = [host, k.aliases.get(host)].filter((h): h is string => !!h);
  return names.some((h) => k.patterns.some((p) => !p.startsWith('!') && globMatch(p.replace(/^\[([^\]]+)\]:\d+$/, '$1'), h)));
}
