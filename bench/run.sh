#!/usr/bin/env bash
# The side-by-side benchmark of issue 8 (docs/performance.md, "Side by side: Parley, socket.io, raw Vert.x").
#
#   bench/run.sh            the measurement: every scenario, Parley + socket.io 4.8.4 + raw Vert.x, 2 runs each;
#                           replaces the results section of docs/performance.md and the charts in docs/perf/
#   bench/run.sh --quick    smoke run (tiny loads, seconds per scenario): proves the harness works; writes
#                           docs/perf/smoke/ only, labelled as a smoke run
#
#   bench/run.sh --cross-node
#                           issue 10: two Parley nodes on PostgreSQL + Redis against one node, and a Redis cut
#                           (docs/performance.md, "Several nodes"); about 4 min; replaces the section between the
#                           bench:cross-node markers and writes docs/perf/cross-node.csv
#   bench/run.sh --cross-node --quick
#                           its smoke run (a room of 20, seconds per step): writes docs/perf/smoke/cross-node-smoke.* only
#
# --cross-node starts both nodes from target/quarkus-app (rebuilt for PostgreSQL first when it is not), one after the
# other, both pinned to --server-cpus, on BENCH_DATABASE_URL (default jdbc:postgresql://127.0.0.1:5432/bench_nodes:
# a database of its own, WIPED at the start of every run; BENCH_DATABASE_USER, default postgres) and BENCH_REDIS_URL,
# with one random SECRET_KEY and a bus channel parley:bus:bench-<pid>-<run>. It cuts the nodes' pub/sub connections
# only (CLIENT KILL ID … TYPE pubsub, found through /proc), not the other subscribers of that Redis.
#
# Extra options go to the generator: --runs N, --servers parley,socketio,vertx (default; floor and floor-bare, the
# floor of Parley's stack in bench/floor, only when named, and then built here too), --server-cpus 0,
# --scenarios warm-up,idle,connect,oneshot,sweep,durable64,durable1,assistant (default all; with fewer, give --out
# and --charts too).
# Environment: BENCH_SKIP_BUILD=1 (reuse the built jars and node_modules), BENCH_REDIS_URL (Parley's Redis,
# default redis://127.0.0.1:6379/13), BENCH_SERVER_JVM_OPTS (both JVM servers, default "-Xms512m -Xmx1g"),
# BENCH_GENERATOR_CPU (default 1), BENCH_NODE (node binary).
# Run it on a quiet machine with at least 2 cores: the server is pinned to core 0 and the generator to core 1.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# a JDK 21+, chosen as ./mvnw chooses it
. .mvn/jdk.sh
set +f
java="$JAVA_HOME/bin/java"

cross_node=0
servers=parley,socketio,vertx
previous=
for a in "$@"; do
  if [ "$a" = --cross-node ]; then cross_node=1; fi
  if [ "$previous" = --servers ]; then servers=$a; fi
  previous=$a
done
floor=0
case ",$servers," in *,floor,*|*,floor-bare,*) floor=1 ;; esac
socketio=0
case ",$servers," in *,socketio,*) socketio=1 ;; esac
needed="bench/target/parley-bench.jar target/quarkus-app/quarkus-run.jar"
[ "$cross_node" = 1 ] || [ "$socketio" = 0 ] || needed="$needed bench/socketio/node_modules/socket.io"
[ "$floor" = 0 ] || needed="$needed bench/floor/target/quarkus-app/quarkus-run.jar"

if [ "${BENCH_SKIP_BUILD:-0}" != 1 ]; then
  echo "== building the server (./mvnw -DskipTests package)"
  ./mvnw -q -DskipTests package
  echo "== building the generator and the Vert.x peer (bench/pom.xml)"
  ./mvnw -q -f bench/pom.xml -DskipTests package
  if [ "$cross_node" = 0 ] && [ "$socketio" = 1 ]; then
    echo "== installing the socket.io peer (npm ci)"
    (cd bench/socketio && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ "$floor" = 1 ]; then
    echo "== building the floor of Parley's stack (bench/floor/pom.xml)"
    ./mvnw -q -f bench/floor/pom.xml -DskipTests package
  fi
fi
for f in $needed; do
  [ -e "$f" ] || { echo "missing $f: run without BENCH_SKIP_BUILD=1" >&2; exit 1; }
done

# thousands of sockets on both sides
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

generator_cpu=${BENCH_GENERATOR_CPU:-1}
if [ "$(nproc)" -lt 2 ] || ! command -v taskset >/dev/null; then
  echo "warning: fewer than 2 cores or no taskset: nothing is pinned, the numbers mean little" >&2
  exec "$java" -Xms512m -Xmx2g -jar bench/target/parley-bench.jar --repo "$repo" --server-cpus "" "$@"
fi
exec taskset -c "$generator_cpu" "$java" -Xms512m -Xmx2g -jar bench/target/parley-bench.jar --repo "$repo" "$@"
