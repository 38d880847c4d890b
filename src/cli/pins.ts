import { escapeControl } from '../core/escape.js';
/** `nixharden pins PATH…`: list every pin of a configuration. */
import { Option } from 'commander';
import { loadConfigModel } from '../model/load/index.js';
import { formatAge, listPins, pinToJson } from '../pin/list.js';
import type { Pin } from '../pin/types.js';
import type { Register } from './types.js';

export const register: Register = (program) => {
  program
    .command('pins')
    .description('list every pin (flake inputs and lock nodes, fetchers, niv/npins entries, channels)')
    .argument('<paths...>', 'files or directories to scan')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (paths: string[], flags: { format: 'text' | 'json' }) => {
      const model = await loadConfigModel(paths);
      const pins = listPins(model);
      const now = new Date();
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify({ version: 1, pins: pins.map((p) => pinToJson(p, now)) }, null, 2)}\n`);
        return;
      }
      for (const p of pins) process.stdout.write(renderPin(p, now));
      if (pins.length === 0) process.stdout.write('no pins found\n');
    });
};

function kindLabel(p: Pin): string {
  if (p.kind === 'flake-input' || p.kind === 'flake-lock') return `${p.kind} (${p.transitive ? 'transitive' : 'root'})`;
  return p.kind;
}

function renderPin(p: Pin, now: Date): string {
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
