package io.github.tribuoswa.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.translate.Batchifier;

import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * The one training loop of the plugin for DJL networks. Every trainer (plain SGD, SWA, FGE)
 * runs it; what differs between them is attached to the DJL {@link Trainer} as
 * {@link ai.djl.training.listener.TrainingListener}s, exactly as in DJL's own
 * {@code EasyTrain.fit}: for each batch {@link EasyTrain#trainBatch} (forward, loss, backward,
 * then {@code onTrainingBatch} of every listener), then {@link Trainer#step()}; after each
 * epoch {@code onEpoch}. So a listener sees, in {@code onTrainingBatch} of step i, the weights
 * after step i &minus; 1, as it would in a DJL user's own loop.
 * <p>
 * Each batch's arrays live in a sub-manager of the trainer's manager that is closed after the
 * step, so native memory stays flat however long the run.
 */
public final class TrainingLoop {

    private TrainingLoop() {}

    /**
     * The number of batches (optimiser steps) in an epoch.
     * @param examples The number of examples.
     * @param batchSize The batch size.
     * @return ⌈examples / batchSize⌉.
     */
    public static int stepsPerEpoch(int examples, int batchSize) {
        return (examples + batchSize - 1) / batchSize;
    }

    /**
     * Trains for some epochs.
     * @param trainer An initialised DJL trainer.
     * @param data The training data.
     * @param firstEpoch The first epoch to run, counted from 0 (above 0 when resuming).
     * @param epochs The number of epochs in the whole run.
     * @param batchSize The batch size.
     * @param shuffle Whether to shuffle the examples before every epoch.
     * @param rng The random stream of the shuffles.
     */
    public static void fit(Trainer trainer, DenseData data, int firstEpoch, int epochs, int batchSize, boolean shuffle, SplittableRandom rng) {
        int n = data.size();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int steps = stepsPerEpoch(n, batchSize);
        int fw = data.featureWidth();
        int tw = data.targetWidth();
        long[] exampleDims = data.exampleShape().getShape();
        for (int epoch = firstEpoch; epoch < epochs; epoch++) {
            if (shuffle) {
                for (int i = n - 1; i > 0; i--) {
                    int j = rng.nextInt(i + 1);
                    int tmp = order[i];
                    order[i] = order[j];
                    order[j] = tmp;
                }
            }
            for (int s = 0; s < steps; s++) {
                int start = s * batchSize;
                int b = Math.min(batchSize, n - start);
                float[] x = new float[b * fw];
                float[] y = new float[b * tw];
                for (int k = 0; k < b; k++) {
                    int idx = order[start + k];
                    System.arraycopy(data.features(), idx * fw, x, k * fw, fw);
                    System.arraycopy(data.targets(), idx * tw, y, k * tw, tw);
                }
                long[] dims = new long[exampleDims.length + 1];
                dims[0] = b;
                System.arraycopy(exampleDims, 0, dims, 1, exampleDims.length);
                Shape labelShape = tw == 1 ? new Shape(b) : new Shape(b, tw);
                NDManager batchManager = trainer.getManager().newSubManager();
                NDArray xs = batchManager.create(FloatBuffer.wrap(x), new Shape(dims));
                NDArray ys = batchManager.create(FloatBuffer.wrap(y), labelShape);
                try (Batch batch = new Batch(batchManager, new NDList(xs), new NDList(ys), b,
                        Batchifier.STACK, Batchifier.STACK, s, steps)) {
                    EasyTrain.trainBatch(trainer, batch);
                    trainer.step();
                }
            }
            trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        }
    }
}
