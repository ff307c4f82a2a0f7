#!/usr/bin/env bash
# Starts a local Zipkin server (io.zipkin:zipkin-server:3.6.1, from Maven Central) on
# 127.0.0.1:9411 in the foreground; its web UI is http://127.0.0.1:9411/zipkin/.
set -euo pipefail
cd "$(dirname "$0")/../.."
jar=target/zipkin/zipkin-server.jar
if [ ! -f "$jar" ]; then
  mvn -B -q -N org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
      -Dartifact=io.zipkin:zipkin-server:3.6.1:jar:exec -DoutputDirectory=target/zipkin -Dmdep.stripVersion=true -Dmdep.stripClassifier=true
  mv target/zipkin/zipkin-server*.jar "$jar" 2>/dev/null || true
fi
exec java -jar "$jar" --armeria.ports[0].ip=127.0.0.1 --armeria.ports[0].port="${ZIPKIN_PORT:-9411}"
