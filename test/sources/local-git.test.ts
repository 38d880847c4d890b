import { UserError } from '../../src/core/errors.js';
import { CatFileBatch } from '../../src/sources/git-batch.js';
import { LocalGitSource } from '../../src/sources/local-git.js';
import { Fixture } from './fixture-repo.js';

let f: Fixture;
beforeAll(() => {
  f = new Fixture('nh-local-');
  for (let i = 0; i < 5; i++) f.commit(`main ${i}`);
  f.git(['checkout', '-q', '-b', 'topic', 'HEAD~2']);
  f.commit('topic 1');
  f.commit('topic 2');
  f.git(['checkout', '-q', 'main']);
  f.merge('topic');
  f.commit('after merge');
});
afterAll(() => f.cleanup());

describe('CatFileBatch', () => {
  test('reads many objects through one process, byte for byte as git cat-file prints them', async () => {
    const oids = f.git(['rev-list', '--all']).trim().split('\n');
    // A blob with binary content, embedded newlines and no trailing newline.
    const blob = f.git(['hash-object', '-w', '--stdin'], { input: Buffer.from([0, 10, 10, 255, 13, 10, 66]) }).trim();
    const batch = new CatFileBatch(f.repo);
    try {
      const names = [...oids, blob, '0'.repeat(40), ...oids.slice(0, 3)];
      const got = await batch.readMany(names);
      oids.forEach((oid, i) => {
        expect(got[i]).toMatchObject({ oid, type: 'commit' });
        expect(got[i]!.content.equals(f.git(['cat-file', 'commit', oid], { encoding: 'buffer' }) as unknown as Buffer)).toBe(true);
      });
      expect(got[oids.length]!.content.equals(Buffer.from([0, 10, 10, 255, 13, 10, 66]))).toBe(true);
      expect(got[oids.length + 1]).toBeUndefined(); // missing
      expect(got[oids.length + 2]!.oid).toBe(oids[0]);
      // Revision syntax works too (cat-file resolves it), and a newline is refused.
      expect((await batch.read('HEAD~1'))!.oid).toBe(f.git(['rev-parse', 'HEAD~1']).trim());
      await expect(batch.read('HEAD\nHEAD')).rejects.toThrow(UserError);
    } finally {
      await batch.close();
    }
  });

  test('reads after close fail instead of hanging', async () => {
    const batch = new CatFileBatch(f.repo);
    await batch.close();
    await expect(batch.read('HEAD')).rejects.toThrow(/exited/);
  });
});

describe('LocalGitSource', () => {
  let src: LocalGitSource;
  beforeAll(async () => {
    src = await LocalGitSource.open(f.repo);
  });
  afterAll(() => src.close());
  const revParse = (r: string) => f.git(['rev-parse', r]).trim();
  const revList = (...a: string[]) => f.git(['rev-list', ...a]).trim().split('\n');

  test('resolves revisions like git rev-parse, and refuses option-like or unknown ones', async () => {
    for (const r of ['HEAD', 'HEAD~3', 'HEAD~1^2', 'topic', 'main~1^2~1', revParse('HEAD').slice(0, 10)]) {
      expect(await src.resolve(r)).toBe(revParse(r));
    }
    await expect(src.resolve('--all')).rejects.toThrow(/invalid revision/);
    await expect(src.resolve('nope')).rejects.toThrow(/unknown revision/);
    await expect(src.resolve(f.git(['rev-parse', 'HEAD^{tree}']).trim())).rejects.toThrow(/not a commit/);
  });

  test('walks full and first-parent history, ranges and limits like git rev-list', async () => {
    const head = revParse('HEAD');
    expect((await src.walk({ tips: [head], exclude: [], firstParent: false })).map((n) => n.oid)).toEqual(revList('HEAD'));
    expect((await src.walk({ tips: [head], exclude: [], firstParent: true })).map((n) => n.oid)).toEqual(revList('--first-parent', 'HEAD'));
    expect((await src.walk({ tips: [head], exclude: [], firstParent: false, limit: 4 })).map((n) => n.oid)).toEqual(revList('-n', '4', 'HEAD'));
    const range = await src.resolveRange('main~4..main');
    expect((await src.walk({ ...range, firstParent: false })).map((n) => n.oid)).toEqual(revList('main~4..main'));
    await expect(src.resolveRange('main')).rejects.toThrow(/A\.\.B/);
  });

  test('reports its identity (paths and remote URLs) and branch', async () => {
    f.git(['remote', 'add', 'upstream', 'git@github.com:example/x.git']);
    expect(await src.identity()).toEqual(expect.arrayContaining([f.repo, 'git@github.com:example/x.git']));
    expect(await src.currentBranch()).toBe('main');
  });

  test('readCommits says why an object cannot be used', async () => {
    const tree = revParse('HEAD^{tree}');
    const got = await src.readCommits([revParse('HEAD'), tree, 'f'.repeat(40)]);
    expect('raw' in got.get(revParse('HEAD'))!).toBe(true);
    expect(got.get(tree)).toEqual({ error: 'object is a tree, not a commit' });
    expect(got.get('f'.repeat(40))).toEqual({ error: 'object not found in the repository' });
  });
});
