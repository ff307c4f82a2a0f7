package io.github.tribuoswa.nn.swa;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.nn.core.NetworkWeights;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongPredicate;

/**
 * A test listener, independent of the code under test: counts steps itself and copies the
 * network's weights after every step k a predicate names (in {@code onTrainingBatch} of step
 * k + 1, and after the last step in the last {@code onEpoch}).
 */
final class WeightProbe extends TrainingListenerAdapter {

    final Map<Long, float[]> snapshots = new TreeMap<>();
    private final LongPredicate wanted;
    private final NetworkWeights.Selection selection;
    private final long totalSteps;
    private long steps;

    WeightProbe(LongPredicate wanted, NetworkWeights.Selection selection, long totalSteps) {
        this.wanted = wanted;
        this.selection = selection;
        this.totalSteps = totalSteps;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (wanted.test(steps)) {
            snapshots.put(steps, NetworkWeights.read(trainer.getModel().getBlock(), selection));
        }
        steps++;
    }

    @Override
    public void onEpoch(Trainer trainer) {
        if (steps == totalSteps && wanted.test(steps)) {
            snapshots.put(steps, NetworkWeights.read(trainer.getModel().getBlock(), selection));
        }
    }

    double[] mean() {
        double[] out = null;
        for (float[] w : snapshots.values()) {
            if (out == null) {
                out = new double[w.length];
            }
            for (int j = 0; j < w.length; j++) {
                out[j] += w[j];
            }
        }
        for (int j = 0; j < out.length; j++) {
            out[j] /= snapshots.size();
        }
        return out;
    }
}
