#!/usr/bin/env bash
# The loss-geometry command line (io.github.tribuoswa.landscape.cli.LandscapeCli): plane, rays, segment.
#   scripts/landscape/landscape.sh plane --points swa.tribuo,sgd.tribuo,step-K.f32 --out DIR
#   scripts/landscape/landscape.sh --help
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f landscape/target/classpath.txt ] || mvn -B -q -DskipTests install
exec java -cp "landscape/target/classes:$(cat landscape/target/classpath.txt)" io.github.tribuoswa.landscape.cli.LandscapeCli "$@"
