/**
 * Golden files: `nixharden migrate` on each example must write exactly the files
 * under test/migrate/golden/<example>/ (regenerate them with `npm run golden:update`
 * and review the diff). The desktop example's unmapped reasons are checked here too.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describeWhen } from '../helpers/requires.js';
// @ts-expect-error: a plain ESM script without types
import { EXAMPLES, GOLDEN_DIR, generate } from '../../scripts/update-golden.mjs';

const built = fs.existsSync(path.resolve('dist', 'cli', 'main.js'));

function listFiles(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

describeWhen(built, 'dist/ (npm run build)', 'migrate: golden files of the examples', () => {
  let work: string;
  const outs = new Map<string, string>();
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-golden-'));
    for (const name of EXAMPLES as string[]) outs.set(name, generate(name, work));
  }, 120_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it.each(EXAMPLES as string[])('%s: every generated file equals its golden copy (npm run golden:update)', (name) => {
    const out = outs.get(name)!;
    const golden = path.join(GOLDEN_DIR as string, name);
    expect(listFiles(out)).toEqual(listFiles(golden));
    for (const f of listFiles(golden)) {
      expect([f, fs.readFileSync(path.join(out, f), 'utf8')]).toEqual([f, fs.readFileSync(path.join(golden, f), 'utf8')]);
    }
  });

  it('desktop: the GUI packages and services are unmapped as desktop, the rest with their own reasons', () => {
    const plan = JSON.parse(fs.readFileSync(path.join(outs.get('desktop')!, 'default', 'plan.json'), 'utf8'));
    const reasons = Object.fromEntries(plan.packages.filter((p: { status: string }) => p.status === 'unmapped').map((p: { attr: string; reason: string }) => [p.attr, p.reason]));
    for (const gui of ['firefox', 'thunderbird', 'libreoffice', 'vlc', 'gimp', 'spotify', 'gnome-tweaks', 'vscode', 'steam']) expect([gui, reasons[gui]]).toEqual([gui, 'desktop']);
    expect(reasons['home-manager']).toBe('no-equivalent');
    expect(plan.services.map((s: { service: string; status: string; reason: string }) => [s.service, s.status, s.reason])).toEqual([
      ['xserver', 'unmapped', 'desktop'],
      ['displayManager.gdm', 'unmapped', 'desktop'],
      ['desktopManager.gnome', 'unmapped', 'desktop'],
      ['pipewire', 'unmapped', 'desktop'],
      ['printing', 'unmapped', 'desktop'],
    ]);
    expect(fs.existsSync(path.join(outs.get('desktop')!, 'default', 'services'))).toBe(false);
  });
});
