/**
 * Systems configured inside a system: home-manager users, NixOS containers, microvm.nix
 * VMs, the `nixos-rebuild build-vm` variants and specialisations. Their options are
 * the nested system's own, and a finding in one says which.
 */
import type { Span } from '../core/span.js';
import type { FileModel } from './types.js';

/**
 * The options of a nested system (`home-manager.users.<n>`, `containers.<n>.config`,
 * `microvm.vms.<n>.config`, `virtualisation.vmVariant`, `specialisation.<n>.configuration`)
 * are that system's own: the path without the prefixes, and each system named.
 */
export function nestedSystem(p: string[]): { path: string[]; systems: string[] } {
  const systems: string[] = [];
  for (;;) {
    if (p.length > 3 && p[0] === 'home-manager' && p[1] === 'users') {
      systems.push(`home-manager user \`${p[2]}\``);
      p = p.slice(3);
    } else if (p.length > 3 && p[0] === 'containers' && p[2] === 'config') {
      systems.push(`container \`${p[1]}\``);
      p = p.slice(3);
    } else if (p.length > 4 && p[0] === 'microvm' && p[1] === 'vms' && p[3] === 'config') {
      systems.push(`microvm \`${p[2]}\``);
      p = p.slice(4);
    } else if (p.length > 2 && p[0] === 'virtualisation' && (p[1] === 'vmVariant' || p[1] === 'vmVariantWithBootLoader')) {
      systems.push(`\`virtualisation.${p[1]}\``);
      p = p.slice(2);
    } else if (p.length > 3 && p[0] === 'specialisation' && p[2] === 'configuration') {
      systems.push(`specialisation \`${p[1]}\``);
      p = p.slice(3);
    } else return { path: p, systems };
  }
}

const cache = new WeakMap<FileModel, { span: Span; systems: string[] }[]>();

/** The nested systems a span of the file lies in (`container \`build\``), outermost first; empty at top level. */
export function systemsAt(file: FileModel, span: Span): string[] {
  let scopes = cache.get(file);
  if (!scopes) {
    scopes = file.assignments.map((a) => ({ span: a.span, systems: nestedSystem(a.path).systems })).filter((x) => x.systems.length > 0);
    cache.set(file, scopes);
  }
  let best: string[] = [];
  for (const s of scopes) {
    if (s.span.startOffset <= span.startOffset && span.endOffset <= s.span.endOffset && s.systems.length > best.length) best = s.systems;
  }
  return best;
}
