/** What `pin` plans: per pin an outcome, per tracked branch or tag the selected commit, per file the edit. */
import type { FileEditResult } from '../edit/plan.js';
import type { GitHubRepo, Pin } from '../model/pin-types.js';
import type { Selection } from './select-commit.js';
import type { TagSelection } from './select-tag.js';

export type PinAction = 'pinned' | 'unchanged' | 'skipped';

export interface PinOutcome {
  pin: Pin;
  action: PinAction;
  /** The commit the pin points at after the run. */
  rev?: string;
  branch?: string;
  /** The tag a tag pin was resolved from. */
  tag?: string;
  /** Why: the selection's explanation, or why the pin stays or was skipped. */
  message: string;
}

export interface GroupOutcome {
  repo: GitHubRepo;
  branch: string;
  selection: Selection;
  hashes?: { rev: string; sri: string; base32: string };
}

export interface TagOutcome {
  repo: GitHubRepo;
  tag: string;
  selection: TagSelection;
  hashes?: { rev: string; sri: string; base32: string };
}

export interface PinPlan {
  /** Whether pins on accepted commits were moved too (`--update`). */
  update: boolean;
  outcomes: PinOutcome[];
  groups: GroupOutcome[];
  tags: TagOutcome[];
  files: FileEditResult[];
  warnings: string[];
}
