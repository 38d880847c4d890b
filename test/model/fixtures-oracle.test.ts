import path from 'node:path';
import { describeWithNix, filesUnder, nixRejects } from '../syntax/oracle.js';

const root = path.resolve(process.cwd(), 'fixtures', 'model');

describeWithNix('fixtures/model are real Nix (oracle: nix-instantiate --parse)', () => {
  it('Nix accepts every .nix fixture outside fixtures/model/broken', () => {
    const files = filesUnder(root).filter((f) => !f.startsWith(path.join(root, 'broken') + path.sep));
    expect(files.length).toBeGreaterThan(30);
    expect(nixRejects(files).map((f) => path.relative(root, f))).toEqual([]);
  });

  it('Nix rejects every file under fixtures/model/broken (deliberately broken)', () => {
    const files = filesUnder(path.join(root, 'broken'));
    expect(nixRejects(files)).toEqual(files);
  });
});
