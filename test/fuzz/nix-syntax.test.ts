/**
 * Fuzzing the Nix syntax front door (syntax/nix/index.ts) against Nix's own parser,
 * on generated programs and on mutants (of generated programs and of the valid
 * fixtures). Properties, for every text:
 * - the light parser throws nothing but LiteParseError; tree-sitter, the front door
 *   and the file model throw nothing;
 * - what the light parser accepts, Nix accepts (it is strict by design);
 * - the front door reports a syntax error exactly when Nix rejects the text for its
 *   syntax (rejections for undefined variables or duplicate attributes aside: nixharden
 *   does not resolve variables).
 */
import { LiteParseError, parseNix, parseNixForModel, parseNixLite } from '../../src/syntax/nix/index.js';
import { modelNixFile } from '../../src/model/nix-file.js';
import { describeWithNix } from '../syntax/oracle.js';
import { fuzz, replayFixtures, type FuzzTarget } from './harness.js';
import { mutatedNix, nixProgram } from './gen/nix.js';
import { nixParseVerdicts, type NixVerdict } from './oracles/nix-parse.js';

export function checkNixText(text: string, nix: NixVerdict): void {
  let liteAccepts = true;
  try {
    parseNixLite(text);
  } catch (e) {
    if (!(e instanceof LiteParseError)) throw e;
    liteAccepts = false;
  }
  parseNix(text);
  const front = parseNixForModel(text);
  modelNixFile({ file: 'fuzz.nix', absPath: '/fuzz/fuzz.nix', text });
  if (nix.semantic) return;
  if (liteAccepts && !nix.accepted) throw new Error(`the light parser accepts what Nix rejects: ${nix.message}`);
  if (nix.accepted && front.error) throw new Error(`a syntax error in a file Nix accepts: ${front.error.message} at ${front.error.startOffset}`);
  if (!nix.accepted && !front.error) throw new Error(`Nix rejects the file (${nix.message}), the front door does not`);
}

const fromFixture = (b: Buffer): string => b.toString('utf8');

export const generatedTarget: FuzzTarget<string, NixVerdict> = { name: 'nix-generated', arbitrary: nixProgram(), oracle: nixParseVerdicts, check: checkNixText, fromFixture, shortCases: 120 };
export const mutatedTarget: FuzzTarget<string, NixVerdict> = { name: 'nix-mutated', arbitrary: mutatedNix(), oracle: nixParseVerdicts, check: checkNixText, fromFixture, shortCases: 40 };

describeWithNix('fuzz: Nix syntax against nix-instantiate --parse', () => {
  fuzz(generatedTarget);
  replayFixtures(generatedTarget);
  fuzz(mutatedTarget);
  replayFixtures(mutatedTarget);
});
