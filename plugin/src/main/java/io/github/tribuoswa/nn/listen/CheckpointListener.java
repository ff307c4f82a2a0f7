package io.github.tribuoswa.nn.listen;

import ai.djl.nn.Block;
import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import com.google.protobuf.ByteString;
import io.github.tribuoswa.nn.core.Checkpoints;
import io.github.tribuoswa.nn.core.CollectionEvent;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.CollectionListener;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.Stateful;
import io.github.tribuoswa.nn.core.StepEndListener;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.protos.CheckpointProto;
import io.github.tribuoswa.protos.StateProto;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A DJL training listener that checkpoints a run: after every epoch, and at the end of a step
 * in which a weight collection it is told of happened (the first after each epoch's
 * checkpoint, then at most about ten an epoch, and none at an epoch's last step: see
 * {@link #writesAtCollection}), it writes the network's weights,
 * the steps done and the state of every {@link Stateful} piece of the run (optimiser,
 * collectors, anything added later) into one {@link Checkpoints} file, atomically. It knows no
 * piece by kind. Writing at the end of a step ({@link StepEndListener}), never in the middle of
 * one, keeps weights and BatchNorm statistics of the same step together.
 * <p>
 * {@link #resume} puts a run back where a checkpoint left it: it checks the whole checkpoint
 * first (its states must be exactly the run's pieces, its weights the network's shapes), then
 * restores the weights and hands each piece its own state. Weights that are not finite are
 * never written: the run stops with an error naming the step, and the last good checkpoint
 * is kept.
 */
public final class CheckpointListener extends TrainingListenerAdapter implements CollectionListener, StepEndListener {

    private final Checkpoints checkpoints;
    private final Optional<CheckpointProto> existing;
    private final int stepsPerEpoch;
    private final double weightBound;
    private Block network;
    private List<Stateful> parts = List.of();
    private long epochsDone;
    private boolean collectedSinceWrite;
    private long lastWritten = -1;
    private boolean lastWriteAtCollection;

    /**
     * Collections write at most about this many checkpoints an epoch besides the epoch's own
     * (see {@link #writesAtCollection}).
     */
    static final int COLLECTION_WRITES_PER_EPOCH = 10;

    /**
     * The checkpointing of a run; reads its checkpoint file if there is one.
     * @param checkpoints The run's checkpoint file.
     * @param stepsPerEpoch Steps per epoch.
     * @param weightBound The largest |weight| a checkpoint may hold (infinite: only finiteness is
     *     checked); weights beyond it stop the run and the last good checkpoint is kept.
     * @throws IllegalStateException if the file is corrupt or belongs to another run.
     */
    public CheckpointListener(Checkpoints checkpoints, int stepsPerEpoch, double weightBound) {
        this.checkpoints = checkpoints;
        this.stepsPerEpoch = stepsPerEpoch;
        this.weightBound = weightBound;
        this.existing = checkpoints.read();
        this.epochsDone = startStep() / stepsPerEpoch;
    }

    /**
     * The steps done according to the checkpoint read at construction.
     * @return The steps, 0 without a checkpoint.
     */
    public long startStep() {
        return existing.map(CheckpointProto::getStepsDone).orElse(0L);
    }

    /**
     * Whether the run resumes from a checkpoint.
     * @return True if a checkpoint was read.
     */
    public boolean resuming() {
        return existing.isPresent();
    }

    /**
     * The checkpoint file.
     * @return The file's description.
     */
    public String file() {
        return checkpoints.file().toString();
    }

    /**
     * Attaches a training run (its network, its optimiser and its other stateful pieces) and
     * restores it from the checkpoint if there is one. Call after the network is initialised and
     * before training.
     * @param network The network.
     * @param factory The optimiser's configuration (named in errors).
     * @param optimiser The optimiser; its state is checkpointed, so it must be {@link Stateful}.
     * @param pieces The other stateful pieces (collectors), with unique names.
     * @return True if the run was restored from a checkpoint.
     * @throws IllegalArgumentException if the optimiser keeps state it cannot save.
     * @throws IllegalStateException if the checkpoint does not fit the run; nothing is changed then.
     */
    public boolean resume(Block network, Object factory, Object optimiser, List<? extends Stateful> pieces) {
        if (!(optimiser instanceof Stateful)) {
            throw new IllegalArgumentException("optimiser = " + factory + " is out of range when checkpointDirectory is set; allowed: an "
                    + "optimiser whose state can be checkpointed (Stateful: SGDFactory, AdamFactory)");
        }
        List<Stateful> all = new ArrayList<>();
        all.add((Stateful) optimiser);
        all.addAll(pieces);
        return resume(network, all);
    }

    /**
     * Attaches the run's network and stateful pieces, and restores them from the checkpoint if
     * there is one. Call after the network is initialised and before training.
     * @param network The network.
     * @param pieces The stateful pieces, with unique names.
     * @return True if the run was restored from a checkpoint.
     * @throws IllegalStateException if the checkpoint does not fit the run; nothing is changed then.
     */
    private boolean resume(Block network, List<? extends Stateful> pieces) {
        Map<String, Stateful> byName = new LinkedHashMap<>();
        for (Stateful p : pieces) {
            if (byName.put(p.stateName(), p) != null) {
                throw new IllegalArgumentException("Two stateful pieces of the run are named '" + p.stateName() + "'; state names must be unique");
            }
        }
        this.network = network;
        this.parts = List.copyOf(pieces);
        if (existing.isEmpty()) {
            return false;
        }
        CheckpointProto cp = existing.get();
        float[] weights = WeightsCodec.decode(cp.getWeights(), network);
        TreeSet<String> saved = new TreeSet<>();
        for (StateProto s : cp.getStatesList()) {
            saved.add(s.getName());
        }
        if (!saved.equals(new TreeSet<>(byName.keySet())) || saved.size() != cp.getStatesCount()) {
            throw new IllegalStateException("Checkpoint " + checkpoints.file() + " holds the states " + saved + ", this run has " + byName.keySet()
                    + "; it was left untouched. Use another checkpointDirectory or delete the file.");
        }
        NetworkWeights.write(network, NetworkWeights.Selection.ALL, weights);
        Stateful.StateContext context = new Stateful.StateContext(network, cp.getStepsDone());
        for (StateProto s : cp.getStatesList()) {
            byName.get(s.getName()).restoreState(s.getVersion(), s.getData().toByteArray(), context);
        }
        return true;
    }

    @Override
    public void onEpoch(Trainer trainer) {
        epochsDone++;
        if (lastWritten != epochsDone * stepsPerEpoch) {
            write(epochsDone * stepsPerEpoch);
            lastWriteAtCollection = false;
        }
    }

    @Override
    public void collected(CollectionEvent collection) {
        collectedSinceWrite = true;
    }

    @Override
    public void onStepEnd(Trainer trainer, long stepsDone) {
        if (collectedSinceWrite && writesAtCollection(stepsDone, lastWritten, lastWriteAtCollection, stepsPerEpoch)) {
            write(stepsDone);
            lastWriteAtCollection = true;
        }
    }

    /**
     * Whether a collection in the step that ended after {@code stepsDone} steps is checkpointed
     * now. Not at an epoch's last step: {@code onEpoch} writes that one, after the listeners before
     * this one (epoch models) have seen the epoch end, so a kill in between repeats the epoch
     * instead of skipping its end. Otherwise the first collection after an epoch's checkpoint is
     * written at once, later ones only once at least {@code stepsPerEpoch /}
     * {@value #COLLECTION_WRITES_PER_EPOCH} steps have passed since the last write: a collector of
     * every step (an EMA) writes about {@value #COLLECTION_WRITES_PER_EPOCH} checkpoints an epoch,
     * not one a step. A resumed run repeats the steps after its checkpoint, collections included,
     * bit for bit, so fewer writes lose no state, only work to redo.
     * @param stepsDone The steps done.
     * @param lastWritten The steps of the last checkpoint written by this run, or -1.
     * @param lastAtCollection Whether that checkpoint was written at a collection.
     * @param stepsPerEpoch Steps per epoch.
     * @return True to write.
     */
    static boolean writesAtCollection(long stepsDone, long lastWritten, boolean lastAtCollection, int stepsPerEpoch) {
        if (stepsDone % stepsPerEpoch == 0) {
            return false;
        }
        return !lastAtCollection || stepsDone - lastWritten >= Math.max(1, stepsPerEpoch / COLLECTION_WRITES_PER_EPOCH);
    }

    private void write(long stepsDone) {
        if (network == null) {
            throw new IllegalStateException("CheckpointListener.resume was not called before training");
        }
        String bad = DeviceWeights.firstBeyond(network, NetworkWeights.Selection.ALL, weightBound);
        if (bad != null) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT, "Training diverged: the weights after epoch %d, iteration %d "
                    + "are not finite or exceed weightBound = %s (parameter %s); the last good checkpoint %s was kept",
                    (stepsDone - 1) / stepsPerEpoch + 1, stepsDone, weightBound, bad, checkpoints.file()));
        }
        float[] weights = NetworkWeights.read(network, NetworkWeights.Selection.ALL);
        CheckpointProto.Builder b = CheckpointProto.newBuilder().setStepsDone(stepsDone).setWeights(WeightsCodec.encode(network, weights));
        Stateful.StateContext context = new Stateful.StateContext(network, stepsDone);
        List<StateProto> states = new ArrayList<>();
        for (Stateful p : parts) {
            states.add(StateProto.newBuilder().setName(p.stateName()).setVersion(p.stateVersion())
                    .setData(ByteString.copyFrom(p.saveState(context))).build());
        }
        checkpoints.write(b.addAllStates(states));
        lastWritten = stepsDone;
        collectedSinceWrite = false;
    }
}
