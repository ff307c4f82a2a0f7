package io.github.tribuoswa.nn;

import ai.djl.training.Trainer;
import ai.djl.training.listener.TrainingListenerAdapter;
import io.github.tribuoswa.nn.core.DeviceWeights;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightCollector;
import org.tribuo.Output;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntPredicate;

/**
 * A DJL training listener that hands over, at chosen epoch ends, the model a run would have
 * returned had it ended there (see {@link NetworkTrainer#addEpochModelListener}): it finishes
 * detached copies of the run's collectors, forms the model with the trainer's {@code finish},
 * and puts the weights back, so the run goes on unchanged.
 * @param <T> The output type.
 * @param <M> The model type.
 */
final class EpochModels<T extends Output<T>, M> extends TrainingListenerAdapter {

    /**
     * A receiver and the epochs it wants.
     * @param <M> The model type.
     * @param epochs Which epochs.
     * @param listener The receiver.
     */
    record Request<M>(IntPredicate epochs, EpochModelListener<? super M> listener) {
    }

    private final List<Request<M>> requests;
    private final Function<Trainer, TrainingRun<T>> runOf;
    private final Function<TrainingRun<T>, M> finish;
    private final int epochs;
    private int epochsDone;

    EpochModels(List<Request<M>> requests, Function<Trainer, TrainingRun<T>> runOf, Function<TrainingRun<T>, M> finish, int epochs,
                int epochsDone) {
        this.requests = requests;
        this.runOf = runOf;
        this.finish = finish;
        this.epochs = epochs;
        this.epochsDone = epochsDone;
    }

    @Override
    public void onEpoch(Trainer trainer) {
        epochsDone++;
        if (epochsDone >= epochs) {
            return;
        }
        List<Request<M>> wanted = new ArrayList<>();
        for (Request<M> r : requests) {
            if (r.epochs().test(epochsDone)) {
                wanted.add(r);
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        TrainingRun<T> run = runOf.apply(trainer);
        List<WeightCollector> copies = new ArrayList<>();
        try (DeviceWeights weights = DeviceWeights.copyOf(run.block(), NetworkWeights.Selection.ALL)) {
            for (WeightCollector c : run.collectors()) {
                WeightCollector copy = c.detachedCopy();
                copies.add(copy);
                copy.finish(run.block());
                if (copy.collections() == 0) {
                    return;
                }
            }
            TrainingRun<T> ended = run.withCollectors(copies);
            for (Request<M> r : wanted) {
                M model;
                try {
                    model = finish.apply(ended);
                } finally {
                    weights.writeTo(run.block());
                }
                r.listener().onEpochModel(epochsDone, model);
            }
        } finally {
            copies.forEach(WeightCollector::close);
        }
    }
}
