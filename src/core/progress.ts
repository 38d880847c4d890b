/**
 * How long-running work reports itself, without knowing where it goes: the
 * CLI decides (a progress bar on a terminal, detail lines with --verbose,
 * nothing with --quiet or when stderr is piped). Library code takes a
 * `Progress` and defaults to `NO_PROGRESS`, so it never writes anything itself.
 */
export interface ProgressTask {
  /** Work done so far; `total` when it became known (or changed). */
  update(done: number, total?: number): void;
  /** The task is over; its line goes away. */
  end(): void;
}

export interface Progress {
  /**
   * A counted task ("commits checked", "paths checked", a download in bytes).
   * `total` when known up front; `bytes` formats the counts as sizes.
   */
  start(label: string, opts?: { total?: number; bytes?: boolean }): ProgressTask;
  /** What is happening now, in a few words ("choosing a commit on nixos-25.11 of NixOS/nixpkgs"). */
  status(message: string): void;
  /** Extra detail a user asked for with --verbose: which files, commits and URLs. */
  detail(message: string): void;
}

const NO_TASK: ProgressTask = { update() {}, end() {} };

export const NO_PROGRESS: Progress = {
  start: () => NO_TASK,
  status() {},
  detail() {},
};
