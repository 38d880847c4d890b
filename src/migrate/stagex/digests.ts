import { UserError } from '../../core/errors.js';
import { IMAGE_ID } from './containerfile.js';
import type { StagexStage } from './types.js';

export interface DigestEntry {
  id: string;
  /** "sha256:<64 hex>". */
  digest: string;
  /** Where it was listed, for error messages: "digests/core.txt:12". */
  file: string;
  line: number;
}

const LINE = /^([0-9a-f]{64}) +(\S+)$/;

/**
 * Parses digests/<stage>.txt: one `<sha256 hex> <stage>-<name>` per line (blank lines
 * allowed). Anything else, an image of another stage, or an image listed twice is a
 * UserError naming file and line: a digest we cannot read must never be skipped.
 */
export function parseDigests(text: string, stage: StagexStage, file: string): DigestEntry[] {
  const out: DigestEntry[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    const m = LINE.exec(raw.trim());
    const id = m?.[2];
    if (!m || !IMAGE_ID.test(id!)) throw new UserError(`not a digest line "<64 hex> <stage>-<name>": ${JSON.stringify(raw.slice(0, 120))}`, undefined, file, line);
    if (!id!.startsWith(`${stage}-`)) throw new UserError(`${id} is not a ${stage} image (listed in the ${stage} digests)`, undefined, file, line);
    const prev = seen.get(id!);
    if (prev !== undefined) throw new UserError(`${id} is listed twice (first on line ${prev})`, undefined, file, line);
    seen.set(id!, line);
    out.push({ id: id!, digest: `sha256:${m[1]}`, file, line });
  });
  return out;
}
