package io.github.tribuoswa.nn.core;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.EasyTrain;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.Batch;
import ai.djl.training.listener.TrainingListener.BatchData;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.translate.Batchifier;
import ai.djl.util.Pair;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;
import java.util.SplittableRandom;

/**
 * The one training loop of the plugin for DJL networks. Every trainer (plain SGD, SWA, FGE)
 * runs it; what differs between them is attached to the DJL {@link Trainer} as
 * {@link ai.djl.training.listener.TrainingListener}s, exactly as in DJL's own
 * {@code EasyTrain.fit}: for each batch the forward pass, loss and backward pass, then
 * {@code onTrainingBatch} of every listener (with a {@link StepData} that also holds the loss),
 * then the optimizer's update, then {@link StepEndListener#onStepEnd} of the listeners that
 * implement it; after each epoch {@code onEpoch}. So a listener sees, in {@code onTrainingBatch} of step i, the weights
 * after step i &minus; 1, as it would in a DJL user's own loop.
 * <p>
 * Each batch's arrays live in a sub-manager of the trainer's manager that is closed after the
 * step, so native memory stays flat however long the run. As in DJL's datasets, a batch's
 * {@link Batch#getIndices()} are the rows of the training data it holds (in the order of
 * {@link #order}), as {@code Long}s.
 */
public final class TrainingLoop {

    private TrainingLoop() {}

    /**
     * The number of batches (optimiser steps) in an epoch: ⌈examples / batchSize⌉, except that
     * a last batch of one example joins the batch before it (BatchNorm cannot train on one
     * example; PyTorch raises "Expected more than 1 value per channel when training"), so
     * that batch has batchSize + 1 examples.
     * @param examples The number of examples.
     * @param batchSize The batch size.
     * @return The steps.
     */
    public static int stepsPerEpoch(int examples, int batchSize) {
        int steps = (examples + batchSize - 1) / batchSize;
        return steps > 1 && examples % batchSize == 1 ? steps - 1 : steps;
    }

    /**
     * The examples in batch s of an epoch (see {@link #stepsPerEpoch}).
     * @param s The batch, in [0, steps).
     * @param examples The number of examples.
     * @param batchSize The batch size.
     * @return The batch's size.
     */
    public static int batchRows(int s, int examples, int batchSize) {
        int steps = stepsPerEpoch(examples, batchSize);
        return s == steps - 1 ? examples - s * batchSize : batchSize;
    }

    /**
     * The seed of the engine's random numbers (dropout) for one step of a run: every step is
     * seeded on its own, so a run resumed at any step continues exactly as it would have.
     * @param runSeed The run's seed.
     * @param step The global step, counted from 0 (&minus;1 for weight initialisation).
     * @return The seed.
     */
    public static int stepSeed(long runSeed, long step) {
        long z = runSeed + 0x9E3779B97F4A7C15L * (step + 2);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) (z ^ (z >>> 31));
    }

    /**
     * The order of the examples in an epoch: a shuffle drawn from the run's seed and the epoch
     * alone, so any epoch's order can be made again when a run resumes.
     * @param n The number of examples.
     * @param epoch The epoch, from 0.
     * @param shuffle Whether to shuffle (else the identity).
     * @param runSeed The run's seed.
     * @return The order.
     */
    public static int[] order(int n, int epoch, boolean shuffle, long runSeed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        if (shuffle) {
            SplittableRandom rng = new SplittableRandom(runSeed ^ (0xD1B54A32D192ED03L * (epoch + 1)));
            for (int i = n - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
        }
        return order;
    }

    /**
     * Trains from a given step to the end of the last epoch, updating the weights with
     * {@link Trainer#step()} (DJL's parameter server and the trainer's optimizer).
     * @param trainer An initialised DJL trainer.
     * @param data The training data.
     * @param startStep The number of steps already done (0 for a new run; a resumed run
     *                  starts where its checkpoint was taken, possibly mid-epoch).
     * @param epochs The number of epochs of the whole run.
     * @param batchSize The batch size.
     * @param shuffle Whether to shuffle the examples before every epoch.
     * @param runSeed The run's seed (shuffles and per-step engine seeds).
     */
    public static void fit(Trainer trainer, DenseData data, long startStep, int epochs, int batchSize, boolean shuffle, long runSeed) {
        fit(trainer, trainer::step, data, startStep, epochs, batchSize, shuffle, runSeed);
    }

    /**
     * Trains from a given step to the end of the last epoch, handing each trainable
     * parameter's gradient straight to {@code optimizer} (which must be the trainer's): the
     * same update as {@link Trainer#step()} on one device, without the copy of every gradient
     * that DJL's local parameter server makes before updating.
     * @param trainer An initialised DJL trainer.
     * @param optimizer The optimizer the trainer was configured with.
     * @param data The training data.
     * @param startStep The number of steps already done.
     * @param epochs The number of epochs of the whole run.
     * @param batchSize The batch size.
     * @param shuffle Whether to shuffle the examples before every epoch.
     * @param runSeed The run's seed (shuffles and per-step engine seeds).
     */
    public static void fit(Trainer trainer, Optimizer optimizer, DenseData data, long startStep, int epochs, int batchSize, boolean shuffle,
                           long runSeed) {
        if (trainer.getDevices().length != 1) {
            fit(trainer, data, startStep, epochs, batchSize, shuffle, runSeed);
            return;
        }
        List<Parameter> trainable = new ArrayList<>();
        for (Pair<String, Parameter> p : trainer.getModel().getBlock().getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        }
        fit(trainer, () -> {
            for (Parameter p : trainable) {
                NDArray weight = p.getArray();
                try (NDArray grad = weight.getGradient()) {
                    optimizer.update(p.getId(), weight, grad);
                }
            }
        }, data, startStep, epochs, batchSize, shuffle, runSeed);
    }

    /**
     * What listeners see of a step of this loop: DJL's batch data plus the loss the step
     * computed, so that listeners need not evaluate it again.
     */
    public static final class StepData extends BatchData {
        private final NDArray loss;
        private float value = Float.NaN;
        private boolean read;

        /**
         * A step's data.
         * @param batch The batch.
         * @param device The device.
         * @param labels The labels.
         * @param predictions The network's outputs.
         * @param loss The loss.
         */
        public StepData(Batch batch, Device device, NDList labels, NDList predictions, NDArray loss) {
            super(batch, Map.of(device, labels), Map.of(device, predictions));
            this.loss = loss;
        }

        /**
         * The loss of the step's batch (a scalar, alive until the step ends).
         * @return The loss.
         */
        public NDArray loss() {
            return loss;
        }

        /**
         * The loss as a number, read from the device once for all listeners.
         * @return The loss.
         */
        public float lossValue() {
            if (!read) {
                value = loss.getFloat();
                read = true;
            }
            return value;
        }
    }

    /**
     * The loss of a step on one device, as listeners read it: the loop's value when the batch
     * data is a {@link StepData}, else evaluated with the trainer's loss.
     * @param trainer The trainer.
     * @param batchData The step's data.
     * @param device The device.
     * @return The loss.
     */
    public static float loss(Trainer trainer, BatchData batchData, Device device) {
        if (batchData instanceof StepData) {
            return ((StepData) batchData).lossValue();
        }
        return trainer.getLoss().evaluate(batchData.getLabels().get(device), batchData.getPredictions().get(device)).getFloat();
    }

    /**
     * One forward and backward pass on one device, then {@code onTrainingBatch} of every
     * listener with a {@link StepData}: {@code EasyTrain.trainBatch} for a batch that is
     * already on the trainer's only device, keeping the loss for the listeners.
     */
    private static void trainBatch(Trainer trainer, Batch batch) {
        if (trainer.getDevices().length != 1) {
            EasyTrain.trainBatch(trainer, batch);
            return;
        }
        NDList labels = batch.getLabels();
        StepData stepData;
        try (GradientCollector collector = trainer.newGradientCollector()) {
            NDList predictions = trainer.forward(batch.getData(), labels);
            NDArray loss = trainer.getLoss().evaluate(labels, predictions);
            collector.backward(loss);
            stepData = new StepData(batch, trainer.getDevices()[0], labels, predictions, loss);
        }
        trainer.notifyListeners(listener -> listener.onTrainingBatch(trainer, stepData));
    }

    /** The rows of one batch, a view of part of the epoch's order (DJL's datasets give {@code Long} indices). */
    private static final class Rows extends AbstractList<Long> implements RandomAccess {
        private final int[] order;
        private final int start;
        private final int size;

        Rows(int[] order, int start, int size) {
            this.order = order;
            this.start = start;
            this.size = size;
        }

        @Override
        public Long get(int i) {
            Objects.checkIndex(i, size);
            return (long) order[start + i];
        }

        @Override
        public int size() {
            return size;
        }
    }

    private static void fit(Trainer trainer, Runnable update, DenseData data, long startStep, int epochs, int batchSize, boolean shuffle,
                            long runSeed) {
        int n = data.size();
        int steps = stepsPerEpoch(n, batchSize);
        long total = (long) epochs * steps;
        int maxRows = Math.min(batchSize + 1, n);
        DenseBatches xs = new DenseBatches(maxRows, data.featureWidth());
        DenseBatches ys = new DenseBatches(maxRows, data.targetWidth());
        long step = startStep;
        while (step < total) {
            int epoch = (int) (step / steps);
            int[] order = order(n, epoch, shuffle, runSeed);
            for (int s = (int) (step % steps); s < steps; s++, step++) {
                int start = s * batchSize;
                int b = batchRows(s, n, batchSize);
                Shape labelShape = data.targetWidth() == 1 ? new Shape(b) : new Shape(b, data.targetWidth());
                trainer.getManager().getEngine().setRandomSeed(stepSeed(runSeed, step));
                NDManager batchManager = trainer.getManager().newSubManager();
                NDArray x = xs.gather(batchManager, data.features(), order, start, b, DenseBatches.batchShape(data.exampleShape(), b));
                NDArray y = ys.gather(batchManager, data.targets(), order, start, b, labelShape);
                try (Batch batch = new Batch(batchManager, new NDList(x), new NDList(y), b,
                        Batchifier.STACK, Batchifier.STACK, s, steps, new Rows(order, start, b))) {
                    trainBatch(trainer, batch);
                    update.run();
                }
                long done = step + 1;
                trainer.notifyListeners(listener -> {
                    if (listener instanceof StepEndListener) {
                        ((StepEndListener) listener).onStepEnd(trainer, done);
                    }
                });
            }
            trainer.notifyListeners(listener -> listener.onEpoch(trainer));
        }
    }
}
