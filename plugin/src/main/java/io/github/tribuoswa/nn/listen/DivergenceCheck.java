package io.github.tribuoswa.nn.listen;

import ai.djl.Device;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Stateful;
import io.github.tribuoswa.nn.core.TrainingLoop;

import java.nio.ByteBuffer;
import java.util.Locale;

/**
 * A DJL training listener that stops a diverging run, naming the epoch and iteration:
 * <ul>
 *   <li>in {@code onTrainingBatch}, before the optimiser's update (so the step is never applied,
 *   and no collector added after this listener sees its weights), when the step's loss is not
 *   finite, or exceeds {@code factor} times the mean loss of the run's first epoch (during the
 *   first epoch, the mean of its steps so far);</li>
 *   <li>in {@code onEpoch}, when a weight is not finite or its magnitude exceeds
 *   {@code weightBound} (collectors and checkpoints check the same before they take weights).</li>
 * </ul>
 * The first epoch's loss sum and count are its {@link Stateful} state ({@code divergence}), so a
 * resumed run compares against the same reference.
 */
public final class DivergenceCheck extends TrainingListenerAdapter implements Stateful {

    private final int stepsPerEpoch;
    private final double factor;
    private final double weightBound;
    private long iteration;
    private double firstEpochSum;
    private long firstEpochCount;

    /**
     * A divergence check of non-finite losses only (no loss or weight bound).
     * @param startStep The steps already done.
     * @param stepsPerEpoch Steps per epoch.
     */
    public DivergenceCheck(long startStep, int stepsPerEpoch) {
        this(startStep, stepsPerEpoch, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /**
     * A divergence check.
     * @param startStep The steps already done.
     * @param stepsPerEpoch Steps per epoch.
     * @param factor The largest multiple of the first epoch's mean loss a step's loss may reach (&gt; 1, may be infinite).
     * @param weightBound The largest |weight| allowed at an epoch's end (&gt; 0, may be infinite).
     */
    public DivergenceCheck(long startStep, int stepsPerEpoch, double factor, double weightBound) {
        if (!(factor > 1) || !(weightBound > 0)) {
            throw new IllegalArgumentException("divergenceFactor = " + factor + ", weightBound = " + weightBound
                    + " are out of range; allowed: divergenceFactor > 1 and weightBound > 0 (either may be Infinity)");
        }
        this.iteration = startStep;
        this.stepsPerEpoch = stepsPerEpoch;
        this.factor = factor;
        this.weightBound = weightBound;
    }

    private String where() {
        return String.format(Locale.ROOT, "epoch %d, iteration %d (step %d of the epoch)", (iteration - 1) / stepsPerEpoch + 1, iteration,
                (iteration - 1) % stepsPerEpoch + 1);
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        iteration++;
        for (Device device : batchData.getPredictions().keySet()) {
            float loss = TrainingLoop.loss(trainer, batchData, device);
            if (!Float.isFinite(loss)) {
                throw new IllegalStateException("Training diverged: the loss is " + loss + " at " + where() + "; the step was not applied");
            }
            double reference = firstEpochCount > 0 ? firstEpochSum / firstEpochCount : 0;
            if (reference > 0 && loss > factor * reference) { // a reference of 0 (a perfect first epoch) bounds nothing
                throw new IllegalStateException(String.format(Locale.ROOT, "Training diverged: the loss %s at %s is more than divergenceFactor = %s "
                        + "times the first epoch's mean loss %s; the step was not applied", loss, where(), factor, reference));
            }
            if (iteration <= stepsPerEpoch) {
                firstEpochSum += loss;
                firstEpochCount++;
            }
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        String bad = DeviceWeights.firstBeyond(trainer.getModel().getBlock(), NetworkWeights.Selection.ALL, weightBound);
        if (bad != null) {
            throw new IllegalStateException("Training diverged: at the end of " + where() + " parameter " + bad
                    + " is not finite or exceeds weightBound = " + weightBound);
        }
    }

    @Override
    public String stateName() {
        return "divergence";
    }

    @Override
    public int stateVersion() {
        return 1;
    }

    @Override
    public byte[] saveState(StateContext run) {
        return ByteBuffer.allocate(16).putDouble(firstEpochSum).putLong(firstEpochCount).array();
    }

    @Override
    public void restoreState(int version, byte[] state, StateContext run) {
        if (version != 1 || state.length != 16) {
            throw new IllegalStateException("divergence state: version " + version + " of " + state.length + " bytes; this plugin reads version 1 "
                    + "of 16 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(state);
        double sum = b.getDouble();
        long count = b.getLong();
        if (!Double.isFinite(sum) || count < 0 || count > stepsPerEpoch) {
            throw new IllegalStateException("divergence state: corrupt (first epoch's loss sum " + sum + " over " + count + " steps)");
        }
        firstEpochSum = sum;
        firstEpochCount = count;
    }
}
