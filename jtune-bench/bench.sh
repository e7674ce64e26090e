#!/usr/bin/env bash
# jtune bench launcher: runs dev.jtune.bench.Bench with the module's classpath and the JVM flags of ../jtune.
# Build first, from the repository root: mvn -q -B -DskipTests -pl jtune-core,jtune-bench package (classpath -> target/bench-classpath.txt)
# Examples: ./bench.sh --quick --json target/quick.json ; ./bench.sh --only rss --rss-steps 2000
#           ./bench.sh --reference   (times the PyTorch reference of ../shared/tools in the same session first)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$(ls "$here"/target/jtune-bench-*.jar 2>/dev/null | head -1 || true)"
cp_file="$here/target/bench-classpath.txt"
if [[ -z "$jar" || ! -f "$cp_file" ]]; then
    echo "bench.sh: build first: (cd \"$here/..\" && mvn -q -B -DskipTests -pl jtune-core,jtune-bench package)" >&2
    exit 1
fi
java="java"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then java="$JAVA_HOME/bin/java"; fi
# the allocator choice of ../jtune (jemalloc when installed; JTUNE_MALLOC=glibc to compare)
# shellcheck source=../launcher-env.sh
source "$here/../launcher-env.sh"
jtune_malloc_env
jtune_isa_env
# shellcheck disable=SC2086  # JTUNE_JAVA_OPTS is a list of options
exec "$java" \
    "-Xmx${JTUNE_HEAP:-2g}" \
    -Dai.djl.offline=true \
    "-Dorg.bytedeco.javacpp.cachedir=$HOME/.javacpp/cache" \
    -Dorg.bytedeco.javacpp.maxbytes=0 \
    -Dorg.bytedeco.javacpp.maxphysicalbytes=0 \
    "-Djtune.bench.home=$here" \
    "-Djtune.shared=${JTUNE_SHARED:-$here/../../shared}" \
    ${JTUNE_JAVA_OPTS:-} \
    -cp "$jar:$(cat "$cp_file")" dev.jtune.bench.Bench "$@"
