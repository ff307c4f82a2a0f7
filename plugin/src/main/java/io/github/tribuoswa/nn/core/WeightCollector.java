package io.github.tribuoswa.nn.core;

import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A DJL training listener that acts on the network's weights at chosen steps: the common part
 * of SWA's averaging, FGE's snapshots and any other method that collects weights.
 * <p>
 * DJL calls {@code onTrainingBatch} of step i after the backward pass and before the update
 * (in {@code EasyTrain.fit} and in the plugin's {@link TrainingLoop}), so at that moment the
 * network holds the weights after step i &minus; 1; the weights after the last step are seen in
 * {@code onTrainingEnd}. The collector counts steps itself and calls {@link #collect} for
 * every k where {@link #due} holds.
 * <p>
 * It is {@link Stateful}: its state is the next step it will look at plus what the subclass
 * writes in {@link #writeCollected}, so a checkpoint taken at any moment, even while another
 * collector is collecting, resumes to the same collections.
 * <p>
 * What a collector holds lives on the network's device, in sub-managers of the network's
 * manager: {@link #close()} frees it early (a detached copy once used), the network's manager
 * frees it at the latest.
 */
public abstract class WeightCollector extends TrainingListenerAdapter implements Stateful, AutoCloseable {

    /**
     * The default largest |weight| a collector admits.
     */
    public static final double DEFAULT_WEIGHT_BOUND = 1e6;

    private final List<CollectionListener> collectionListeners = new CopyOnWriteArrayList<>();
    private double weightBound = DEFAULT_WEIGHT_BOUND;
    private long stepsDone;
    private boolean ended;
    private boolean skipNextVisit;
    private boolean collecting;
    private boolean midStep;

    /**
     * A collector starting at step 0.
     */
    protected WeightCollector() {}

    /**
     * Adds a listener told after every collection (checkpoints and telemetry use it).
     * @param listener The listener.
     */
    public void addCollectionListener(CollectionListener listener) {
        collectionListeners.add(listener);
    }

    /**
     * Tells the collection listeners; subclasses call it after each collection.
     * @param collection What was collected.
     */
    protected void collected(CollectionEvent collection) {
        for (CollectionListener l : collectionListeners) {
            l.collected(collection);
        }
    }

    /**
     * Whether the weights after k steps are wanted.
     * @param k The number of steps done (&ge; 0).
     * @return True to collect them.
     */
    protected abstract boolean due(long k);

    /**
     * Refuses weights that are not finite or exceed the weight bound before a collection: they
     * are never averaged in or kept (two reductions per parameter on the device,
     * {@link DeviceWeights#firstBeyond}).
     * @param method The method's name for the message ("SWA", "FGE", …).
     * @param k The number of steps done.
     * @param block The network.
     * @param selection The parameters the collection takes.
     * @throws IllegalStateException naming the step and the parameter if one is not finite or beyond the bound.
     */
    protected void requireBounded(String method, long k, Block block, NetworkWeights.Selection selection) {
        String bad = DeviceWeights.firstBeyond(block, selection, weightBound);
        if (bad != null) {
            throw new IllegalStateException(method + ": the weights after iteration " + k + " are not finite or exceed weightBound = "
                    + weightBound + " (parameter " + bad + ") and were not collected; training diverged");
        }
    }

    /**
     * Sets the largest |weight| this collector admits ({@value #DEFAULT_WEIGHT_BOUND} unless set;
     * trainers set their {@code weightBound}).
     * @param bound &gt; 0, or infinite to refuse only non-finite weights.
     */
    public void setWeightBound(double bound) {
        if (!(bound > 0)) {
            throw new IllegalArgumentException("weightBound = " + bound + " is out of range; allowed: real > 0, or Infinity");
        }
        this.weightBound = bound;
    }

    /**
     * Acts on the weights after k steps.
     * @param k The number of steps done.
     * @param block The network.
     */
    protected abstract void collect(long k, Block block);

    /**
     * Visits the weights after the steps done so far, then counts this step (final: the step
     * count is what the checkpoint state and every collection rest on).
     * @param trainer The trainer.
     * @param batchData The step's data.
     */
    @Override
    public final void onTrainingBatch(Trainer trainer, BatchData batchData) {
        if (skipNextVisit) {
            skipNextVisit = false;
        } else {
            visit(trainer.getModel().getBlock());
        }
        stepsDone++;
        midStep = true;
    }

    /**
     * Notes that the epoch's last step completed.
     * @param trainer The trainer.
     */
    @Override
    public final void onEpoch(Trainer trainer) {
        midStep = false;
    }

    /**
     * Visits the weights after the last step, as {@link #finish} does, when the trainer closes
     * after its last epoch ended; when it closes in the middle of an epoch (a step failed, so
     * the weights are not those after {@link #stepsDone()} steps) it visits nothing.
     * @param trainer The trainer.
     */
    @Override
    public final void onTrainingEnd(Trainer trainer) {
        if (!midStep) {
            finish(trainer.getModel().getBlock());
        }
    }

    /**
     * Visits the weights after the last step, once: called by {@code onTrainingEnd} (when the
     * DJL trainer closes after the last epoch), or earlier by a caller that needs the result
     * before closing, once training has ended normally.
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
            collecting = true;
            try {
                collect(stepsDone, block);
            } finally {
                collecting = false;
            }
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
     * Writes what was collected so far (the common part, the steps seen, is written by the
     * collector itself).
     * @param out The stream.
     * @throws IOException if the stream fails.
     */
    protected abstract void writeCollected(DataOutputStream out) throws IOException;

    /**
     * Reads what {@link #writeCollected} wrote, replacing what this collector holds.
     * @param in The stream.
     * @param version The state version it was written with (one {@link #readsVersion} accepts).
     * @param run The run being resumed: its network (weights restored) and steps done.
     * @throws IOException if the bytes end early or do not fit.
     */
    protected abstract void readCollected(DataInputStream in, int version, StateContext run) throws IOException;

    /**
     * Whether this collector reads states of a version (default: only {@link #stateVersion()}).
     * @param version The stored version.
     * @return True if {@link #readCollected} can read it.
     */
    protected boolean readsVersion(int version) {
        return version == stateVersion();
    }

    /**
     * Frees what this collector holds on the device (default: nothing to free).
     */
    @Override
    public void close() {}

    @Override
    public final byte[] saveState(StateContext run) {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            // the next weights this collector will look at: those after `next` steps
            out.writeLong(collecting || skipNextVisit ? stepsDone + 1 : stepsDone);
            writeCollected(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public final void restoreState(int version, byte[] state, StateContext run) {
        if (!readsVersion(version)) {
            throw new IllegalStateException("state '" + stateName() + "' has version " + version + "; this collector reads version "
                    + stateVersion());
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            long next = in.readLong();
            if (next < run.stepsDone() || next > run.stepsDone() + 1) {
                throw new IllegalStateException("state '" + stateName() + "' looks next at the weights after " + next
                        + " steps, but the checkpoint holds those after " + run.stepsDone());
            }
            readCollected(in, version, run);
            if (in.available() != 0) {
                throw new IllegalStateException("state '" + stateName() + "' has " + in.available() + " bytes more than it should");
            }
            stepsDone = run.stepsDone();
            skipNextVisit = next > run.stepsDone();
            ended = false;
        } catch (IOException e) {
            throw new IllegalStateException("state '" + stateName() + "' is truncated", e);
        }
    }
}
