/**
 * The plugin's OpenTelemetry conventions: instrumentation scope, span, metric and attribute
 * names, the metric instruments, and the rule that telemetry never fails a run. A leaf: it
 * depends on the OpenTelemetry API only, so the Tribuo-SGD path needs no DJL.
 */
package io.github.tribuoswa.telemetry;
