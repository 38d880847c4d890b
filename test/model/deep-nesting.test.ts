/**
 * Deeply nested but valid Nix (generated code, big data literals) must never
 * give a parse problem or an internal error: past the parsers' and walks'
 * bounds, values are just unknown. Validity per `nix-instantiate --parse`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processItem } from '../../src/model/load/model-file.js';
import { describeWithNix, nixRejects } from '../syntax/oracle.js';

const SHAPES: Record<string, (n: number) => string> = {
  paren: (n) => `{ a = ${'('.repeat(n)}1${')'.repeat(n)}; }`,
  attrs: (n) => `{ ${'b = { '.repeat(n)}c = 1;${' };'.repeat(n)} }`,
  list: (n) => `{ a = ${'[ '.repeat(n)}1${' ]'.repeat(n)}; }`,
  ifModule: (n) => `${'if true then '.repeat(n)}{ nix.settings.sandbox = false; }${' else { }'.repeat(n)}`,
  mkIf: (n) => `{ lib, ... }: { nix = ${'lib.mkIf true ('.repeat(n)}{ settings.sandbox = false; }${')'.repeat(n)}; }`,
  update: (n) => `{ a = ${Array(n).fill('{ x = 1; }').join(' // ')}; }`,
  plus: (n) => `{ nix.extraOptions = ${Array(n).fill('"a"').join(' + ')}; }`,
  interpolation: (n) => `{ a = ${'"${'.repeat(n)}"x"${'}"'.repeat(n)}; }`,
  not: (n) => `{ a = ${'!'.repeat(n)}true; }`,
  letValue: (n) => `{ a = ${'let x = '.repeat(n)}1${'; in x'.repeat(n)}; }`,
  settings: (n) => `{ nix.settings = ${'{ a = '.repeat(n)}1${'; }'.repeat(n)}; }`,
};

describeWithNix('oracle: deep nesting that Nix accepts', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-deep-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases = Object.entries(SHAPES).flatMap(([name, f]) => [800, 1000, 2000].map((n) => [name, n, f(n)] as const));

  it.each(cases.map(([name, n]) => [name, n]))('%s × %i', (name, n) => {
    const text = cases.find((c) => c[0] === name && c[1] === n)![2] + '\n';
    const file = path.join(dir, `${name}${n}.nix`);
    fs.writeFileSync(file, text);
    if (nixRejects([file]).length > 0) return; // past Nix's own limit (it runs out of memory too)
    const r = processItem({ index: 0, absPath: file, file: `${name}.nix`, kind: 'nix' });
    expect(r.model!.parseProblems).toEqual([]);
  });

  it('still models what it can reach', () => {
    const file = path.join(dir, 'reach.nix');
    fs.writeFileSync(file, SHAPES.ifModule!(1000));
    expect(nixRejects([file])).toEqual([]);
    const m = processItem({ index: 0, absPath: file, file: 'reach.nix', kind: 'nix' }).model!;
    expect(m.settings.map((s) => s.key)).toContain('sandbox');
  });
});

describeWithNix('oracle: nesting Nix rejects is never passed silently', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-deeper-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  it.each([
    ['list', 10000],
    ['list', 5000],
    ['attrs', 2499],
    ['paren', 9999],
    ['settings', 3000],
  ] as const)('%s × %i: Nix rejects it, and the scan reports NH017 (too deep to check)', (name, n) => {
    const file = path.join(dir, `${name}${n}.nix`);
    fs.writeFileSync(file, `${SHAPES[name]!(n)}\n`);
    expect(nixRejects([file])).toEqual([file]);
    const r = processItem({ index: 0, absPath: file, file: `${name}.nix`, kind: 'nix' });
    expect(r.model!.parseProblems.map((p) => p.message)).toEqual([expect.stringMatching(/^nested \d+ levels deep: too deep to check/)]);
  });
});
