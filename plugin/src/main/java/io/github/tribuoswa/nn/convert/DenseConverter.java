package io.github.tribuoswa.nn.convert;

import ai.djl.ndarray.types.Shape;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;

/**
 * Features as a vector indexed by the model's feature ids (Tribuo's {@code DenseFeatureConverter}
 * idea): the vector has one entry per feature the training data had; features unknown to the
 * model are ignored, absent ones are 0.
 */
public final class DenseConverter implements FeatureConverter {

    /**
     * A dense converter (it has no parameters).
     */
    public DenseConverter() {}

    @Override
    public Shape shape(ImmutableFeatureMap featureMap) {
        return new Shape(featureMap.size());
    }

    @Override
    public void fill(Example<?> example, ImmutableFeatureMap featureMap, float[] destination, int offset) {
        for (Feature f : example) {
            int id = featureMap.getID(f.getName());
            if (id >= 0) {
                destination[offset + id] = (float) f.getValue();
            }
        }
    }

    @Override
    public String toString() {
        return "DenseConverter()";
    }
}
