#!/usr/bin/env bash
# The loss-geometry command line (io.github.tribuoswa.cli.LandscapeCli): plane, rays, segment.
#   scripts/landscape.sh plane --points swa.tribuo,sgd.tribuo,step-K.f32 --out DIR
#   scripts/landscape.sh --help
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f examples/target/classpath.txt ] || mvn -B -q -DskipTests install
exec java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" io.github.tribuoswa.cli.LandscapeCli "$@"
