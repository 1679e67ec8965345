# Sourced by ./mvnw: make sure Maven runs on a JDK 21 or newer.
# Keeps JAVA_HOME when it already points at JDK 21+; otherwise takes `java` from PATH
# if that is 21+, else the newest JDK 21+ under /usr/lib/jvm (or /opt/java, ~/.sdkman).
parley_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | head -n 1
}
parley_pick_jdk() {
  local cand major best="" best_major=0
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(parley_java_major "$JAVA_HOME/bin/java")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    cand=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(parley_java_major "$cand/bin/java")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then export JAVA_HOME="$cand"; return 0; fi
  fi
  set +f  # mvnw runs with globbing off
  for cand in /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/*; do
    [ -x "$cand/bin/javac" ] || continue
    major=$(parley_java_major "$cand/bin/java")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null && [ "$major" -gt "$best_major" ]; then best="$cand"; best_major="$major"; fi
  done
  set -f
  if [ -n "$best" ]; then export JAVA_HOME="$best"; return 0; fi
  echo "Parley needs a JDK 21 or newer and none was found (JAVA_HOME='${JAVA_HOME:-}', java on PATH is $(java -version 2>&1 | head -n 1))." >&2
  echo "Install one (e.g. apt-get install openjdk-21-jdk or a Temurin 21+) and set JAVA_HOME to it." >&2
  exit 1
}
parley_pick_jdk
