package io.github.tribuoswa.telemetry;

import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import io.opentelemetry.api.OpenTelemetry;

/**
 * Where a trainer configured in XML takes its OpenTelemetry instance from, at the start of
 * every training run. Java users can instead hand an instance to the trainer.
 */
public interface TelemetrySource extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * The instance for a run.
     * @return The instance.
     */
    OpenTelemetry openTelemetry();

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "TelemetrySource");
    }
}
