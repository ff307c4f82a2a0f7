package io.github.tribuoswa.telemetry;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * The global OpenTelemetry instance ({@code GlobalOpenTelemetry.getOrNoop()}): the one the
 * OpenTelemetry Java agent or the SDK autoconfiguration installs, configured by the standard
 * {@code OTEL_*} environment variables; a no-op when none is installed. This is also what a
 * trainer uses when it is given nothing.
 */
public final class GlobalTelemetry implements TelemetrySource {

    /**
     * The global instance.
     */
    public GlobalTelemetry() {}

    @Override
    public OpenTelemetry openTelemetry() {
        return GlobalOpenTelemetry.getOrNoop();
    }

    @Override
    public String toString() {
        return "GlobalTelemetry()";
    }
}
