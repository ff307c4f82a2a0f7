#!/usr/bin/env bash
# A traced SWA run (io.github.tribuoswa.examples.TracedRun), configured only by the standard
# OpenTelemetry environment variables. Without any, it sends traces to a local Zipkin
# (scripts/telemetry/zipkin.sh) at 127.0.0.1:9411; set OTEL_TRACES_EXPORTER=otlp,
# OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf and OTEL_EXPORTER_OTLP_ENDPOINT for any OTLP collector.
set -euo pipefail
cd "$(dirname "$0")/../.."
export OTEL_SERVICE_NAME="${OTEL_SERVICE_NAME:-tribuo-swa}"
export OTEL_TRACES_EXPORTER="${OTEL_TRACES_EXPORTER:-zipkin}"
export OTEL_EXPORTER_ZIPKIN_ENDPOINT="${OTEL_EXPORTER_ZIPKIN_ENDPOINT:-http://127.0.0.1:9411/api/v2/spans}"
export OTEL_METRICS_EXPORTER="${OTEL_METRICS_EXPORTER:-none}"
export OTEL_LOGS_EXPORTER="${OTEL_LOGS_EXPORTER:-none}"
mvn -B -q -DskipTests install
exec java -cp "examples/target/classes:$(cat examples/target/classpath.txt)" io.github.tribuoswa.examples.TracedRun
