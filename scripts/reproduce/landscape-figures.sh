#!/usr/bin/env bash
# Makes the figures of docs/landscape.md on full Fashion-MNIST: trains w_SGD and w_SWA (MLP,
# 20 epochs each, LandscapeModels), then the plane through w_SWA, w_SGD and the first SWA cycle
# end with the SWA trajectory projected, rays from both, and the segment between them, on
# 10,000 train and 10,000 test images. Writes the data and plots to docs/landscape/ and the
# plane's wall time to docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
DATA=${DATA:-full}
OUT=docs/landscape
MODELS=target/landscape-models
mvn -B -q -DskipTests install
CP="reproduction/target/classes:$(cat reproduction/target/classpath.txt)"
if [ ! -f $MODELS/swa.tribuo ] || [ ! -f $MODELS/sgd.tribuo ]; then
  java -cp "$CP" io.github.tribuoswa.reproduction.LandscapeModels --out $MODELS --data $DATA --epochs 20 --threads 2 2>/dev/null | tee $MODELS.log
fi
first=$(ls $MODELS/trajectory | sort -t- -k2 -n | sed -n 2p)
start=$(date +%s.%N)
java -cp "$CP" io.github.tribuoswa.landscape.cli.LandscapeCli plane --data $DATA --points $MODELS/swa.tribuo,$MODELS/sgd.tribuo,$MODELS/trajectory/$first \
    --names w_SWA,w_SGD,"cycle 1 end" --trajectory $MODELS/trajectory --grid 21 --margin 0.2 --out $OUT 2>&1 | grep -v '^INFO\|^WARNING\|^[A-Z][a-z][a-z] [0-9]'
plane_seconds=$(python3 -c "print($(date +%s.%N) - $start)")
java -cp "$CP" io.github.tribuoswa.landscape.cli.LandscapeCli rays --data $DATA --swa $MODELS/swa.tribuo --sgd $MODELS/sgd.tribuo \
    --directions 10 --max-distance 60 --steps 16 --out $OUT 2>/dev/null
java -cp "$CP" io.github.tribuoswa.landscape.cli.LandscapeCli segment --data $DATA --swa $MODELS/swa.tribuo --sgd $MODELS/sgd.tribuo \
    --from -0.5 --to 1.5 --steps 41 --out $OUT 2>/dev/null
cpu=$(grep -m1 "model name" /proc/cpuinfo | sed 's/.*: //')
section=$(cat <<MD
<!-- landscape-plane:start -->
## Loss plane: 21 × 21 grid, MLP, 10,000 + 10,000 Fashion-MNIST images

Made by \`scripts/reproduce/landscape-figures.sh\` on $(date -u +%Y-%m-%d): $(nproc) cores ($cpu); one run. The
plane command (\`LandscapeCli plane --grid 21\`, 441 points, each evaluated on 10,000 training
and 10,000 test images in batches of 2,000, 2 intra-op threads) took **$(printf '%.0f' $plane_seconds) s** of wall
time including start-up and data loading (target: under 10 minutes).
<!-- landscape-plane:end -->
MD
)
printf '%s\n' "$section" | python3 reproduction/python/update_doc_section.py docs/benchmarks.md landscape-plane
echo "plane: $plane_seconds s"
