/** `pins` output in text: one pin, two lines. */
import { escapeControl } from '../core/escape.js';
import { formatAge } from '../model/pins.js';
import type { Pin } from '../model/pin-types.js';

function kindLabel(p: Pin): string {
  if (p.kind === 'flake-input' || p.kind === 'flake-lock') return `${p.kind} (${p.transitive ? 'transitive' : 'root'})`;
  return p.kind;
}

const STATE_LABEL: Record<Pin['state'], string> = { immutable: 'immutable', locked: 'locked', mutable: 'MUTABLE', unknown: "can't tell" };

export function renderPin(p: Pin, now: Date): string {
  const source = p.github ? `${p.github.owner}/${p.github.repo}` : (p.url ?? '-');
  // A fetcher call is named by its callee: `fetchTarball builtins.fetchTarball` says nothing twice.
  const head = p.origin.type === 'fetch' ? `${p.label}: ${p.state === 'unknown' ? 'arguments not readable statically' : source}` : `${kindLabel(p)} ${p.name}: ${source}`;
  if (p.state === 'unknown') return `${escapeControl(`${p.file}:${p.line}: ${head}`)}\n  can't tell\n`;
  const facts = [
    `ref ${p.ref ?? '-'}`,
    `rev ${p.rev ?? '-'}`,
    `hash ${p.hash ?? '-'}`,
    p.state === 'locked' ? `locked by ${p.lockedBy}` : STATE_LABEL[p.state],
    `age ${p.lastModified !== undefined ? formatAge(p.lastModified, now) : 'unknown'}`,
  ];
  return `${escapeControl(`${p.file}:${p.line}: ${head}`)}\n  ${escapeControl(facts.join(', '))}\n`;
}
