# Sourced by deploy/check-image.sh and deploy/local-images.sh: podman as it works on machines without a registry
# (../shared/STACK.md "Containers"), all state under $PARLEY_CI_CACHE so the base images are built once.
CACHE=${PARLEY_CI_CACHE:-/var/cache/parley-ci}
mkdir -p "$CACHE"
# crun fails here (cgroups in hybrid mode) and podman's default ulimits cannot be set
export CONTAINERS_CONF="$CACHE/containers.conf"
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
[engine]
runtime = "runc"
CONF
# images and containers live in the cache folder; podman-compose picks this up too
export CONTAINERS_STORAGE_CONF="$CACHE/storage.conf"
cat >"$CONTAINERS_STORAGE_CONF" <<CONF
[storage]
driver = "overlay"
graphroot = "$CACHE/storage"
runroot = "${TMPDIR:-/tmp}/parley-ci-podman-run"
CONF

pod() { podman "$@"; }
step() { printf '\n== %s (%ds so far)\n' "$*" "$SECONDS"; }

# The JDK 21+ with jlink to cut the image's JRE from.
jdk_home() {
  local jlink
  for jlink in /usr/lib/jvm/temurin-*/bin/jlink "${JAVA_HOME:-/nonexistent}/bin/jlink"; do
    [ -x "$jlink" ] || continue
    "${jlink%/jlink}/java" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])' \
      && { dirname "$(dirname "$jlink")"; return; }
  done
  echo "no JDK 21+ with jlink found (looked in /usr/lib/jvm/temurin-* and JAVA_HOME)" >&2
  return 1
}

# The Debian mirror this machine's apt already uses.
apt_mirror() {
  { sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null
    sed -n 's/^deb *\(http[^ ]*debian\) .*/\1/p' /etc/apt/sources.list 2>/dev/null; } | head -n 1
}

# remove_tree DIR: deletes a root tree, first unmounting what a cut-short debootstrap may have left mounted in it
# (/proc, or /dev bound from this machine) and never crossing into another file system.
remove_tree() {
  local m
  [ -d "$1" ] || return 0
  for m in $(awk -v r="$1/" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do umount -l "$m"; done
  rm -rf --one-file-system "$1"
}

# debian_rootfs NAME [PACKAGES]: a minimal bookworm tree in $CACHE/rootfs-NAME (printed), with PACKAGES (comma list).
debian_rootfs() {
  local rootfs="$CACHE/rootfs-$1" mirror
  mirror=$(apt_mirror)
  [ -n "$mirror" ] || { echo "no Debian mirror in /etc/apt/sources.list*" >&2; return 1; }
  remove_tree "$rootfs"
  debootstrap --variant=minbase ${2:+--include="$2"} bookworm "$rootfs" "$mirror" >"$CACHE/debootstrap-$1.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap-$1.log" >&2; return 1; }
  echo "$rootfs"
}

# import_rootfs DIR IMAGE [podman import options]: the tree as an image, then the tree is removed.
import_rootfs() {
  local rootfs=$1 image=$2
  shift 2
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" --one-file-system -c . | podman import "$@" - "$image" >/dev/null
  remove_tree "$rootfs"
}
