/**
 * The stagex release engineers whose signatures the generated policies count.
 * A release's `MAINTAINERS` file (TOML) lists each person and their OpenPGP key
 * fingerprints; the certificates themselves are not in the release, so the
 * policies reference `keys/<id>.asc` and MIGRATION.md says how to fetch them and
 * check the fingerprint. Without a release tree, the list of 2026.03.0 is used
 * (test/migrate/maintainers.test.ts checks it against the real file).
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import { UserError } from '../../core/errors.js';

export interface StagexMaintainer {
  /** The person's key in MAINTAINERS (`lancevick`): the signer id. */
  id: string;
  name: string;
  /** OpenPGP primary key fingerprints, hex upper case. */
  fingerprints: string[];
}

export const MAINTAINERS_RELEASE = '2026.03.0';

/** `MAINTAINERS` of stagex 2026.03.0 (commit e8b3a381c01126b04f6ef7ee62394197ec135a46). */
export const STAGEX_MAINTAINERS: readonly StagexMaintainer[] = [
  { id: 'lancevick', name: 'Lance Vick', fingerprints: ['6B61ECD76088748C70590D55E90A401336C8AAA9'] },
  { id: 'antonlivaja', name: 'Anton Livaja', fingerprints: ['F4BF5C81EC78A5DD341C91EEDC4B7D1F52E0BA4D'] },
  { id: 'ryanheywood', name: 'Ryan Heywood', fingerprints: ['88823A75ECAA786B0FF38B148E401478A3FBEF72'] },
  { id: 'dannygrove', name: 'Danny Grove', fingerprints: ['C92FE5A3FBD58DD3EC5AA26BB10116B8193F2DBD'] },
  { id: 'conyel', name: 'Konstantinos Geles', fingerprints: ['8208F8E4F9D61005F5706A4E28E42797A19977AC'] },
  { id: 'logicwax', name: 'Matthew Brooks', fingerprints: ['30B0BFDBA72CDEB3E7ADBE842BDE9CDB6D0FAD15'] },
  { id: 'panekj', name: 'Jakub Panek', fingerprints: ['C8635605A11CF6A3CB53C707D5E8A1F82F3BDA9D'] },
  { id: 'zoe', name: 'Zoë Finja Emilia Kron', fingerprints: ['677C7924397810FDD3F922C33FC71170CB9E8963'] },
];

const FINGERPRINT = /^[0-9A-F]{40}$|^[0-9A-F]{64}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]*$/;

/** Parses a stagex `MAINTAINERS` file: people with at least one key fingerprint, in file order. */
export function parseMaintainers(text: string, file: string): StagexMaintainer[] {
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) throw new UserError(`invalid TOML: ${err.message.split('\n')[0]}`, undefined, file, err.line);
    throw err;
  }
  const people = (data.people ?? {}) as Record<string, { name?: unknown }>;
  const keys = (data.keys ?? {}) as Record<string, Record<string, { id?: unknown }>>;
  const out: StagexMaintainer[] = [];
  for (const [id, person] of Object.entries(people)) {
    const fingerprints: string[] = [];
    for (const key of Object.values(keys[id] ?? {})) {
      const fpr = typeof key.id === 'string' ? key.id.replace(/\s+/g, '').toUpperCase() : '';
      if (!FINGERPRINT.test(fpr)) throw new UserError(`key of ${id} is not an OpenPGP fingerprint: ${String(key.id)}`, undefined, file);
      fingerprints.push(fpr);
    }
    if (!ID.test(id)) throw new UserError(`maintainer id ${JSON.stringify(id)} is not a valid signer id`, undefined, file);
    if (fingerprints.length > 0) out.push({ id, name: typeof person.name === 'string' ? person.name : id, fingerprints });
  }
  if (out.length === 0) throw new UserError('no maintainer with a key fingerprint', undefined, file);
  return out;
}
