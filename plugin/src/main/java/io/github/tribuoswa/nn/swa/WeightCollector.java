package io.github.tribuoswa.nn.swa;

import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DJL training listener that acts on the network's weights at chosen steps: the common part
 * of SWA's averaging and FGE's snapshots.
 * <p>
 * DJL calls {@code onTrainingBatch} of step i after the backward pass and before the update
 * (in {@code EasyTrain.fit} and in the plugin's {@code TrainingLoop}), so at that moment the
 * network holds the weights after step i &minus; 1; the weights after the last step are seen in
 * {@code onTrainingEnd}. The collector counts steps itself (starting from a given count when a
 * run resumes) and calls {@link #collect} for every k where {@link #due} holds.
 */
public abstract class WeightCollector extends TrainingListenerAdapter {

    /**
     * Told after every collection: an average update or a snapshot.
     */
    @FunctionalInterface
    public interface CollectionListener {
        /**
         * Called after the weights after k steps were collected.
         * @param k The step.
         * @param count How many collections so far (models averaged, or snapshots).
         */
        void collected(long k, long count);
    }

    private final List<CollectionListener> collectionListeners = new CopyOnWriteArrayList<>();
    private long stepsDone;
    private boolean ended;
    private boolean skipNextVisit;

    /**
     * Adds a listener told after every collection (checkpoints and telemetry use it).
     * @param listener The listener.
     */
    public void addCollectionListener(CollectionListener listener) {
        collectionListeners.add(listener);
    }

    /**
     * Tells the collection listeners; subclasses call it after each collection.
     * @param k The step.
     * @param count The collections so far.
     */
    protected void collected(long k, long count) {
        for (CollectionListener l : collectionListeners) {
            l.collected(k, count);
        }
    }

    /**
     * A collector starting at step 0.
     */
    protected WeightCollector() {}

    /**
     * Whether the weights after k steps are wanted.
     * @param k The number of steps done (&ge; 0).
     * @return True to collect them.
     */
    protected abstract boolean due(long k);

    /**
     * Acts on the weights after k steps.
     * @param k The number of steps done.
     * @param block The network.
     */
    protected abstract void collect(long k, Block block);

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (skipNextVisit) {
            skipNextVisit = false;
        } else {
            visit(trainer.getModel().getBlock());
        }
        stepsDone++;
    }

    @Override
    public void onTrainingEnd(Trainer trainer) {
        finish(trainer.getModel().getBlock());
    }

    /**
     * Visits the weights after the last step, once: called by {@code onTrainingEnd} (when the
     * DJL trainer closes), or earlier by a caller that needs the result before closing.
     * @param block The network.
     */
    public void finish(Block block) {
        if (!ended) {
            ended = true;
            if (skipNextVisit) {
                skipNextVisit = false;
            } else {
                visit(block);
            }
        }
    }

    /**
     * An independent copy of this collector's state, without its collection listeners: calling
     * {@link #finish} on it gives what this collector would hold had the run ended now, and
     * leaves this collector (and so the run) unchanged.
     * @return The copy.
     */
    public final WeightCollector detachedCopy() {
        WeightCollector copy = copyCollected();
        copy.stepsDone = stepsDone;
        copy.ended = ended;
        copy.skipNextVisit = skipNextVisit;
        return copy;
    }

    /**
     * A new collector of the same kind holding a copy of what was collected so far.
     * @return The copy.
     */
    protected abstract WeightCollector copyCollected();

    /**
     * How many collections so far: models averaged, or snapshots taken.
     * @return The count.
     */
    public abstract long collections();

    private void visit(Block block) {
        if (due(stepsDone)) {
            collect(stepsDone, block);
        }
    }

    /**
     * The number of steps seen (optimiser steps done before the current one).
     * @return The count.
     */
    public long stepsDone() {
        return stepsDone;
    }

    /**
     * Sets the step count when a run resumes from a checkpoint of the weights after
     * {@code steps} steps.
     * @param steps The steps done.
     * @param alreadyVisited Whether those weights were already seen (the checkpoint was taken
     *                       while collecting them) and must not be collected again.
     */
    public void resumeAt(long steps, boolean alreadyVisited) {
        this.stepsDone = steps;
        this.skipNextVisit = alreadyVisited;
        this.ended = false;
    }
}
