#!/usr/bin/env bash
# Assembles the scan benchmark's corpus from git snapshots of public Nix trees
# (docs/performance.md says which repositories, at which commits).
#
#   scripts/bench-corpus.sh OUT SNAPSHOT[@COMMIT]…
#
# SNAPSHOT is a git directory (bare, as the `fetch` tool brings them, e.g.
# /work/.mirror/nix-community+home-manager/repo) or a clone. Each is exported at
# COMMIT (default HEAD) into OUT/<name>, where <name> is the snapshot's parent
# directory name for a bare `…/repo`, else its own name. OUT is replaced per tree,
# never committed. Prints the files and MB of .nix per tree and in total.
set -euo pipefail

if [ $# -lt 2 ]; then
  echo "usage: $0 OUT SNAPSHOT[@COMMIT]…" >&2
  exit 2
fi
out=$1
shift
mkdir -p "$out"

total_files=0
total_bytes=0
for spec in "$@"; do
  snap=${spec%@*}
  rev=HEAD
  [ "$spec" != "$snap" ] && rev=${spec##*@}
  if ! git -C "$snap" rev-parse --git-dir >/dev/null 2>&1; then
    echo "$0: $snap: not a git directory" >&2
    exit 2
  fi
  name=$(basename "$snap")
  [ "$name" = repo ] || [ "$name" = .git ] && name=$(basename "$(dirname "$snap")")
  commit=$(git -C "$snap" rev-parse --verify "$rev^{commit}")
  dest="$out/$name"
  rm -rf "$dest"
  mkdir -p "$dest"
  git -C "$snap" archive --format=tar "$commit" | tar -x -C "$dest"
  files=$(find "$dest" -name '*.nix' -type f | wc -l)
  bytes=$(find "$dest" -name '*.nix' -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  total_files=$((total_files + files))
  total_bytes=$((total_bytes + bytes))
  printf '%-40s %s %6d .nix files %6.1f MB\n' "$name" "$commit" "$files" "$(awk -v b="$bytes" 'BEGIN {print b/1e6}')"
done
printf '%-40s %40s %6d .nix files %6.1f MB\n' total '' "$total_files" "$(awk -v b="$total_bytes" 'BEGIN {print b/1e6}')"
