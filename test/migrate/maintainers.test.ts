/** The stagex maintainers the generated policies name: the embedded list is the real release's MAINTAINERS. */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { MAINTAINERS_RELEASE, parseMaintainers, STAGEX_MAINTAINERS } from '../../src/migrate/generate/maintainers.js';
import { describeWithSharedData, sharedDataDir } from '../helpers/shared-data.js';

describeWithSharedData(`stagex/${MAINTAINERS_RELEASE}`, 'stagex maintainers of the real release', () => {
  it('the embedded list equals the MAINTAINERS file, fingerprints included', () => {
    const file = path.join(sharedDataDir, 'stagex', MAINTAINERS_RELEASE, 'MAINTAINERS');
    expect(parseMaintainers(fs.readFileSync(file, 'utf8'), file)).toEqual(STAGEX_MAINTAINERS);
  });
});

describe('parseMaintainers', () => {
  it('reads people with key fingerprints and skips those without', () => {
    const text = `[people.a]\nname = "A"\n[people.b]\nname = "B"\n[keys.a.main]\nid = "6b61 ecd7 6088 748c 7059 0d55 e90a 4013 36c8 aaa9"\n`;
    expect(parseMaintainers(text, 'M')).toEqual([{ id: 'a', name: 'A', fingerprints: ['6B61ECD76088748C70590D55E90A401336C8AAA9'] }]);
  });

  it('fails closed on a key that is not a fingerprint, bad TOML, or no key at all', () => {
    expect(() => parseMaintainers('[people.a]\n[keys.a.k]\nid = "E90A401336C8AAA9"\n', 'M')).toThrow(UserError);
    expect(() => parseMaintainers('[people.a\n', 'M')).toThrow(/^invalid TOML/);
    expect(() => parseMaintainers('[people.a]\nname = "A"\n', 'M')).toThrow(/no maintainer with a key fingerprint/);
  });
});
