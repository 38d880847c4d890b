/** What `pin` plans: per pin an outcome, per tracked branch the selected commit, per file the edit. */
import type { FileEditResult } from '../edit/plan.js';
import type { GitHubRepo, Pin } from '../model/pin-types.js';
import type { Selection } from './select-commit.js';

export type PinAction = 'pinned' | 'unchanged' | 'skipped';

export interface PinOutcome {
  pin: Pin;
  action: PinAction;
  /** The commit the pin points at after the run. */
  rev?: string;
  branch?: string;
  /** Why: the selection's explanation, or why the pin was skipped. */
  message: string;
}

export interface GroupOutcome {
  repo: GitHubRepo;
  branch: string;
  selection: Selection;
  hashes?: { rev: string; sri: string; base32: string };
}

export interface PinPlan {
  outcomes: PinOutcome[];
  groups: GroupOutcome[];
  files: FileEditResult[];
  warnings: string[];
}
