#!/usr/bin/env bash
# Builds Parley's container image on this machine and checks that two containers serve as one site.
#
# No image registry is needed: the runtime base is made here from Debian packages (debootstrap, from the apt
# mirror this machine already uses) and a JRE cut with jlink from the local Temurin JDK, then cached in podman's
# storage under $PARLEY_CI_CACHE (default /var/cache/parley-ci) and reused by later runs.
# Then: src/main/docker/Dockerfile.jvm is built on that base, two containers run on the host network against the
# machine's PostgreSQL and Redis with one SECRET_KEY (and a bus channel of their own), and
# deploy/CrossNodeCheck.java checks both nodes (readiness, register/login through either, tokens valid on both, a
# WebSocket through each, a message sent through A reaches a member on B and back).
#
# CHECK_CROSS_NODE=0 leaves out the cross-node delivery check.
#
# Settings (environment): CHECK_PG_DB (parley_check; dropped and created), CHECK_PG_USER (postgres),
# CHECK_REDIS_URL (redis://127.0.0.1:6379/0), CHECK_PORT_A/CHECK_PORT_B (18181/18182), CHECK_CROSS_NODE (1),
# PARLEY_CI_CACHE (/var/cache/parley-ci), CHECK_KEEP=1 leaves the containers running.
# Needs root, podman, runc, debootstrap (.ci/run installs them), PostgreSQL and Redis on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

source deploy/podman-here.sh
BASE=localhost/parley-base:bookworm-jre
IMAGE=localhost/parley:check
PG_DB=${CHECK_PG_DB:-parley_check}
PG_USER=${CHECK_PG_USER:-postgres}
REDIS=${CHECK_REDIS_URL:-redis://127.0.0.1:6379/0}
PORT_A=${CHECK_PORT_A:-18181}
PORT_B=${CHECK_PORT_B:-18182}
CROSS_NODE=${CHECK_CROSS_NODE:-1}
NAMES=(parley-check-a parley-check-b)

step "runtime base $BASE"
if pod image exists "$BASE"; then
  echo "cached in $CACHE/storage"
else
  rootfs=$(debian_rootfs base)
  jdk=$(jdk_home)
  modules=java.se,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.management,jdk.naming.dns,jdk.localedata
  "$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 \
    --output "$rootfs/opt/java/openjdk"
  import_rootfs "$rootfs" "$BASE" \
    --change 'ENV PATH=/opt/java/openjdk/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV JAVA_HOME=/opt/java/openjdk'
  echo "built from Debian bookworm and $jdk"
fi

step "package"
if [ ! -f target/quarkus-app/quarkus-run.jar ]; then
  ./mvnw -B -q -DskipTests package
fi
ls target/quarkus-app/app/*.jar

step "image $IMAGE (src/main/docker/Dockerfile.jvm, rebuilt for PostgreSQL inside)"
pod build --network none -q -f src/main/docker/Dockerfile.jvm --build-arg BASE_IMAGE="$BASE" \
  --build-arg DB_KIND=postgresql -t "$IMAGE" . >/dev/null
pod image inspect "$IMAGE" --format 'size {{.Size}} bytes'

step "database $PG_DB"
psql -h 127.0.0.1 -U "$PG_USER" -d postgres -qc "DROP DATABASE IF EXISTS $PG_DB" -c "CREATE DATABASE $PG_DB"

cleanup() {
  if [ "${CHECK_KEEP:-0}" != 1 ]; then
    pod rm -f -v -t 5 "${NAMES[@]}" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
pod rm -f -v -t 5 "${NAMES[@]}" >/dev/null 2>&1 || true

step "two nodes on the host network, one SECRET_KEY, one bus channel"
secret=$(head -c 32 /dev/urandom | base64 | tr -d '\n')
channel="parley:bus:check-$$"  # pub/sub channels are shared by every Redis database number: one of their own
started=$SECONDS
for i in 0 1; do
  port=$([ "$i" = 0 ] && echo "$PORT_A" || echo "$PORT_B")
  pod run -d --name "${NAMES[$i]}" --network host \
    -e PORT="$port" -e SECRET_KEY="$secret" -e REDIS_URL="$REDIS" -e CLUSTER_CHANNEL="$channel" \
    -e DATABASE_URL="jdbc:postgresql://127.0.0.1:5432/$PG_DB" -e DATABASE_USER="$PG_USER" \
    "$IMAGE" >/dev/null
done
for i in 0 1; do
  port=$([ "$i" = 0 ] && echo "$PORT_A" || echo "$PORT_B")
  for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null && break
    if [ "$(pod inspect -f '{{.State.Running}}' "${NAMES[$i]}")" != true ]; then
      pod logs "${NAMES[$i]}" | tail -n 30; echo "FAIL ${NAMES[$i]} exited" >&2; exit 1
    fi
    sleep 0.5
  done
  curl -sf "http://127.0.0.1:$port/q/health/ready" >/dev/null || { pod logs "${NAMES[$i]}" | tail -n 30; exit 1; }
  echo "ok   ${NAMES[$i]} ready"
  curl -sf "http://127.0.0.1:$port/" | grep -q '<div id="root">' && echo "ok   ${NAMES[$i]} serves the web client"
done
echo "both ready $((SECONDS - started))s after the first run command"
if pod logs "${NAMES[0]}" 2>&1 | grep -q "rebuilding"; then
  echo "FAIL the image was not rebuilt for PostgreSQL at build time" >&2; exit 1
fi

step "checks through both nodes"
mode=""
[ "$CROSS_NODE" = 1 ] && mode=cross-node
"$(jdk_home)/bin/java" deploy/CrossNodeCheck.java "http://127.0.0.1:$PORT_A" "http://127.0.0.1:$PORT_B" $mode

step "done"
