/** `nixharden pins PATH…`: list every pin of a configuration. */
import { Option } from 'commander';
import type { Register } from './types.js';

export const register: Register = (program) => {
  program
    .command('pins')
    .description('list every pin (flake inputs and lock nodes, fetchers, niv/npins entries, channels)')
    .argument('<paths...>', 'files or directories to scan')
    .addOption(new Option('-f, --format <format>', 'output format (default text)').choices(['text', 'json']).default('text'))
    .action(async (paths: string[], flags: { format: 'text' | 'json' }) => {
      const [{ loadConfigModel }, { listPins, pinToJson }, { renderPin }] = await Promise.all([
        import('../model/load/index.js'),
        import('../model/pins.js'),
        import('../report/pins.js'),
      ]);
      const pins = listPins(await loadConfigModel(paths));
      const now = new Date();
      if (flags.format === 'json') {
        process.stdout.write(`${JSON.stringify({ version: 1, pins: pins.map((p) => pinToJson(p, now)) }, null, 2)}\n`);
        return;
      }
      for (const p of pins) process.stdout.write(renderPin(p, now));
      if (pins.length === 0) process.stdout.write('no pins found\n');
    });
};
