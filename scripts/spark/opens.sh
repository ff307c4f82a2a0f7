# Sourced by the scripts that start Spark on Java 17: sets $opens to Spark's --add-opens flags (the
# list of spark.opens in the parent pom.xml, which the tests' JVMs get).
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
    java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
