#!/usr/bin/env bash
# Builds, on a machine without an image registry, the images deploy/compose.local.yaml uses in place of the
# public ones: localhost/parley-base:bookworm-jre (via deploy/check-image.sh's first step) and
# localhost/parley-services:bookworm (HAProxy, PostgreSQL 15 and Redis from Debian packages).
# Packages come from the apt mirror this machine already uses; no container reaches the network.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/podman-here.sh
SERVICES=localhost/parley-services:bookworm

step "services image $SERVICES"
if pod image exists "$SERVICES"; then
  echo "cached in $CACHE/storage"
else
  rootfs=$(debian_rootfs services)
  # install in the tree with its services kept from starting (they would bind this machine's ports)
  printf '#!/bin/sh\nexit 101\n' >"$rootfs/usr/sbin/policy-rc.d"
  chmod +x "$rootfs/usr/sbin/policy-rc.d"
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -qq --no-install-recommends \
    haproxy postgresql-15 redis-server >"$CACHE/services-apt.log" 2>&1 || { tail -n 20 "$CACHE/services-apt.log"; exit 1; }
  rm -f "$rootfs/usr/sbin/policy-rc.d"
  import_rootfs "$rootfs" "$SERVICES" \
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  echo "built"
fi
