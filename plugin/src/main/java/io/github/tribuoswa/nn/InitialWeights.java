package io.github.tribuoswa.nn;

import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.core.NetworkWeights;
import ai.djl.nn.Block;
import org.tribuo.Model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Loads pre-trained weights (the ŵ of Algorithm 1) from a serialized {@link DJLModel} into a
 * network of the same architecture.
 */
final class InitialWeights {

    private InitialWeights() {}

    /**
     * Writes the weights of a saved model into a network.
     * @param path A {@link DJLModel} written by {@code serializeToFile}.
     * @param block The initialised network.
     * @throws IllegalArgumentException if the file is not a DJLModel of this architecture.
     */
    static void load(String path, Block block) {
        Model<?> model;
        try {
            model = Model.deserializeFromFile(Path.of(path));
        } catch (IOException e) {
            throw new UncheckedIOException("initialModel = " + path + " cannot be read", e);
        }
        if (!(model instanceof DJLModel)) {
            throw new IllegalArgumentException("initialModel = " + path + " is a " + model.getClass().getSimpleName() + ", not a DJLModel");
        }
        try (DJLModel<?> saved = (DJLModel<?>) model) {
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(saved.weights(), block));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("initialModel = " + path + " does not fit the configured network: " + e.getMessage(), e);
        }
    }
}
