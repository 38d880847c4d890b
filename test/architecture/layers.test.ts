import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The layering rule itself is code: check that it fails on an upward import and a cycle,
// so `npm run lint` passing means something.
const config = path.resolve('.dependency-cruiser.cjs');
const depcruise = path.resolve('node_modules/.bin/depcruise');

function cruise(files: Record<string, string>): { status: number; out: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-layers-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', allowJs: true } }));
    const r = spawnSync(depcruise, ['--config', config, 'src'], { cwd: dir, encoding: 'utf8' });
    return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('layering (.dependency-cruiser.cjs)', () => {
  it('the real tree passes', () => {
    const r = spawnSync(depcruise, ['--config', config, 'src'], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/no dependency violations found/);
    expect(r.status).toBe(0);
  });

  it('an upward import fails (core importing cli)', () => {
    const r = cruise({ 'src/core/a.ts': "import { b } from '../cli/b.js';\nexport const a = b;\n", 'src/cli/b.ts': "import { a } from '../core/a.js';\nexport const b = 1; export const c = a;\n" });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/layer-core/);
  });

  it('siblings of one rank may not import each other (rules and migrate)', () => {
    const r = cruise({ 'src/rules/a.ts': "import { b } from '../migrate/b.js';\nexport const a = b;\n", 'src/migrate/b.ts': 'export const b = 1;\n', 'src/cli/main.ts': "import { a } from '../rules/a.js';\nexport const m = a;\n" });
    expect(r.out).toMatch(/layer-rules/);
  });

  it('a cycle inside a folder fails', () => {
    const r = cruise({ 'src/model/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n", 'src/model/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n", 'src/cli/main.ts': "import { a } from '../model/a.js';\nexport const m = a;\n" });
    expect(r.out).toMatch(/no-circular/);
  });
});
