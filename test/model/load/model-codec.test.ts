import path from 'node:path';
import { loadConfigModel } from '../../../src/model/load/index.js';
import { decodeModels, encodeModels } from '../../../src/model/load/model-codec.js';

const norm = (v: unknown): string => JSON.stringify(v, (_k, x) => (x instanceof Map ? { $map: [...x] } : x));

describe('the worker → main thread model encoding', () => {
  it('round-trips every fixture model exactly (key order, Maps, optional fields, shared values)', async () => {
    const m = await loadConfigModel([path.resolve('fixtures', 'model')], { jobs: 1 });
    expect(m.files.length).toBeGreaterThan(40);
    const back = decodeModels(encodeModels([...m.files, undefined]));
    expect(back).toHaveLength(m.files.length + 1);
    expect(back[m.files.length]).toBeUndefined();
    for (let i = 0; i < m.files.length; i++) expect(norm(back[i])).toBe(norm(m.files[i]));
    // An assignment's value and the setting made from it stay one object.
    const f = back.find((x) => x?.file === 'basic/configuration.nix')!;
    const a = f.assignments.find((x) => x.path.join('.') === 'nix.settings.substituters')!;
    expect(f.settings[0]!.value).toBe(a.value);
  });
});
