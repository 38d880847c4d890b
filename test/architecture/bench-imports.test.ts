import fs from 'node:fs';
import path from 'node:path';
import { describeWhen } from '../helpers/requires.js';

// The benchmarks import the built modules by path; a move in src/ must not leave them broken.
describeWhen(fs.existsSync('dist/cli/main.js'), 'the built dist/ (npm run build)', 'bench/ imports only modules that exist in dist/', () => {
  const benches = fs.readdirSync('bench').filter((f) => f.endsWith('.mjs'));
  it.each(benches)('%s', (bench) => {
    const text = fs.readFileSync(path.join('bench', bench), 'utf8');
    for (const m of text.matchAll(/path\.join\(dist,((?:\s*'[^']+',?)+)\)/g)) {
      const parts = [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1]!);
      if (!parts[parts.length - 1]!.endsWith('.js')) continue;
      const file = path.join('dist', ...parts);
      expect({ bench, file, exists: fs.existsSync(file) }).toEqual({ bench, file, exists: true });
    }
  });
});
