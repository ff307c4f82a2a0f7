package io.github.tribuoswa.nn.network;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;

/**
 * Builds a DJL network. A factory is fully described by its {@code @Config} fields, so a model's
 * provenance rebuilds the same network, and a serialized model stores the factory rather than
 * code.
 */
public interface NetworkFactory extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * Builds a new, uninitialised network.
     * @param inputShape The shape of one example, without the batch axis: (features) for
     *                   vectors, (channels, height, width) for images.
     * @param numOutputs The number of outputs: classes, or regression dimensions.
     * @return The network; its output has shape (batch, numOutputs).
     * @throws IllegalArgumentException if the input shape does not suit the network.
     */
    Block build(Shape inputShape, int numOutputs);

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "NetworkFactory");
    }
}
