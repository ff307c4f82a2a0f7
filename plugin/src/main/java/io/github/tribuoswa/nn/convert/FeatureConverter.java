package io.github.tribuoswa.nn.convert;

import ai.djl.ndarray.types.Shape;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;

/**
 * Turns a Tribuo example's (sparse, named) features into a dense float array of a fixed shape.
 */
public interface FeatureConverter extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * The shape of one converted example (no batch axis).
     * @param featureMap The model's feature map.
     * @return The shape.
     */
    Shape shape(ImmutableFeatureMap featureMap);

    /**
     * Writes one example's features into {@code destination[offset .. offset + size)}, which
     * the caller has zeroed.
     * @param example The example.
     * @param featureMap The model's feature map.
     * @param destination The array.
     * @param offset The start.
     */
    void fill(Example<?> example, ImmutableFeatureMap featureMap, float[] destination, int offset);

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "FeatureConverter");
    }
}
