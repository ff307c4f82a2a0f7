package io.github.tribuoswa.nn;

import ai.djl.nn.Block;
import io.github.tribuoswa.nn.core.Initialisation;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.TrainingLoop;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.storage.ModelFiles;
import org.tribuo.Dataset;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A run's starting weights: pre-trained ones (the ŵ of Algorithm 1) loaded from a serialized
 * {@link DJLModel} of the same architecture, or a random draw.
 */
final class InitialWeights {

    private InitialWeights() {}

    /**
     * Sets a new run's starting weights: those of {@code initialModel} if set, else the
     * configured random initialisation (not called when a run resumes from a checkpoint).
     * @param block The initialised network.
     * @param initialModel A saved model's path, or empty.
     * @param initialisation The random draw.
     * @param runSeed The run's seed.
     * @param data The run's training data (its feature and output ids).
     */
    static void start(Block block, String initialModel, Initialisation initialisation, long runSeed, Dataset<?> data) {
        if (!initialModel.isEmpty()) {
            load(initialModel, block, data);
        } else {
            initialisation.apply(block, TrainingLoop.stepSeed(runSeed, -1));
        }
    }

    /**
     * Writes the weights of a saved model into a network.
     * @param path A {@link DJLModel} written by {@link ModelFiles#save} (checksum and classes checked when read).
     * @param block The initialised network.
     * @param data The run's training data, whose feature and output ids the saved model must number alike.
     * @throws IllegalArgumentException if the file is not a DJLModel of this architecture and numbering.
     */
    static void load(String path, Block block, Dataset<?> data) {
        DJLModel<?> model;
        try {
            model = ModelFiles.load(Path.of(path), DJLModel.class);
        } catch (IOException e) {
            throw new UncheckedIOException("initialModel = " + path + " cannot be read", e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("initialModel = " + path + ": " + e.getMessage(), e);
        }
        try (DJLModel<?> saved = model) {
            Domains.difference("the training data", data.getFeatureIDMap(), data.getOutputIDInfo(), "initialModel", saved.getFeatureIDMap(),
                    saved.getOutputIDInfo()).ifPresent(d -> {
                        throw new IllegalArgumentException("initialModel = " + path + " numbers its inputs or outputs unlike the training data ("
                                + d + "); allowed: a model trained on data of the same features and outputs");
                    });
            NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(saved.weights(), block));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("initialModel = " + path + " does not fit the configured network: " + e.getMessage(), e);
        }
    }
}
