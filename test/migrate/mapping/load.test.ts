import { UserError } from '../../../src/core/errors.js';
import { loadMapping, parseMapping, DEFAULT_MAPPING_FILE } from '../../../src/migrate/mapping/index.js';

const base = (packages: string, extra = '') => `version: 1
release: 2026.03.0
packages:
${packages}
services: {}
unmapped:
  desktop: { packages: ["gnome.*"], services: [] }
  no-equivalent: { packages: {}, services: {} }
  not-packaged: { packages: {}, services: {} }
stagexOnly: []
closure: { libraries: [], data: [], toolchainLibraries: [], buildOnly: [], interpreters: {}, toolchainRuntime: {} }
${extra}`;

function fails(text: string): UserError {
  try {
    parseMapping(text, 'map.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

describe('loading the mapping data', () => {
  test('the shipped file loads, and records the line of each entry', () => {
    const m = loadMapping();
    expect(m.file).toBe(DEFAULT_MAPPING_FILE);
    expect(m.packages.openssh!.line).toBeGreaterThan(1);
    expect(loadMapping()).toBe(m); // parsed once
  });

  test('a well-formed file', () => {
    const m = parseMapping(base('  jq: { images: [user-jq], confidence: exact, aliases: [jq-full] }'), 'map.yaml');
    expect(m.packages.jq).toMatchObject({ images: ['user-jq'], confidence: 'exact', line: 4 });
  });

  test.each([
    ['an unknown key', '  jq: { images: [user-jq], confidence: exact, notes: x }', 4, 'packages.jq: unknown key "notes"'],
    ['a bad confidence', '  jq:\n    images: [user-jq]\n    confidence: sure', 6, 'packages.jq.confidence: must be one of exact, equivalent, partial'],
    ['a malformed image id', '  jq: { images: [stagex/user-jq], confidence: exact }', 4, 'packages.jq.images.0: not a stagex image id <stage>-<name>'],
    ['a missing confidence', '  jq: { images: [user-jq] }', 4, 'packages.jq: missing key "confidence"'],
    ['an alias that is another entry', '  jq: { images: [user-jq], confidence: exact }\n  gojq: { images: [user-jq], confidence: partial, aliases: [jq] }', 5, '"jq" is already mapped by packages.jq'],
  ])('%s names file and line', (_what, packages, line, message) => {
    const err = fails(base(packages));
    expect([err.file, err.line, err.message]).toEqual(['map.yaml', line, message]);
    expect(err.exitCode).toBe(2);
  });

  test('YAML syntax errors and duplicate keys name the line', () => {
    expect(fails(base('  jq: { images: [user-jq, confidence: exact }')).message).toMatch(/^invalid YAML: /);
    const dup = fails(base('  jq: { images: [user-jq], confidence: exact }\n  jq: { images: [user-jq], confidence: exact }'));
    expect([dup.line, dup.message]).toEqual([5, expect.stringMatching(/^invalid YAML: .*unique/i)]);
  });

  test('an image cannot be both mapped and stagex-only', () => {
    const err = fails(base('  jq: { images: [user-jq], confidence: exact }').replace('stagexOnly: []', 'stagexOnly:\n  - { reason: none, images: [user-jq] }'));
    expect(err.message).toBe('user-jq is mapped, so it is not stagex-only');
    expect(err.line).toBe(11);
  });
});
