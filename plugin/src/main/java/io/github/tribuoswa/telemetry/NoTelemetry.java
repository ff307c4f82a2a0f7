package io.github.tribuoswa.telemetry;

import io.opentelemetry.api.OpenTelemetry;

/**
 * Turns telemetry off for a trainer, whatever is installed globally.
 */
public final class NoTelemetry implements TelemetrySource {

    /**
     * No telemetry.
     */
    public NoTelemetry() {}

    @Override
    public OpenTelemetry openTelemetry() {
        return OpenTelemetry.noop();
    }

    @Override
    public String toString() {
        return "NoTelemetry()";
    }
}
