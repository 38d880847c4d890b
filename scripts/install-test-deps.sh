#!/usr/bin/env bash
# Installs the real tools the test suite uses as oracles (Debian 12, as root):
# Nix's parser and hashers, git + gpg + ssh-keygen, skopeo/buildah, a registry,
# Chromium (plan.html is opened in a real browser), the toolchain node-gyp needs, the shells the completion tests drive (zsh, fish)
# and the pre-commit tool the hook test runs. A no-op when everything is already present.
set -euo pipefail
missing=0
for tool in nix-instantiate nix-prefetch-url git gpg ssh-keygen skopeo buildah docker-registry busybox chromium g++ make python3 zsh fish pre-commit; do
  command -v "$tool" >/dev/null 2>&1 || missing=1
done
[ "$missing" = 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-test-deps: need root to apt-get install nix-bin git gnupg openssh-client skopeo buildah docker-registry busybox-static chromium g++ make python3 zsh fish pre-commit" >&2
  exit 2
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq nix-bin git gnupg openssh-client skopeo buildah docker-registry busybox-static chromium g++ make python3 zsh fish pre-commit >/dev/null
