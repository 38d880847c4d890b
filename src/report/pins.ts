/** `pins` output in text: one pin, two lines. */
import { escapeControl } from '../core/escape.js';
import { formatAge } from '../model/pins.js';
import type { Pin } from '../model/pin-types.js';

function kindLabel(p: Pin): string {
  if (p.kind === 'flake-input' || p.kind === 'flake-lock') return `${p.kind} (${p.transitive ? 'transitive' : 'root'})`;
  return p.kind;
}

export function renderPin(p: Pin, now: Date): string {
  const source = p.github ? `${p.github.owner}/${p.github.repo}` : (p.url ?? '-');
  const facts = [
    `ref ${p.ref ?? '-'}`,
    `rev ${p.rev ?? '-'}`,
    `hash ${p.hash ?? '-'}`,
    p.mutable ? 'MUTABLE' : 'immutable',
    `age ${p.lastModified !== undefined ? formatAge(p.lastModified, now) : 'unknown'}`,
  ];
  return `${escapeControl(`${p.file}:${p.line}: ${kindLabel(p)} ${p.name}: ${source}`)}\n  ${escapeControl(facts.join(', '))}\n`;
}
