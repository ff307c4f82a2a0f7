package io.github.tribuoswa.nn;

/**
 * Receives the models a run would have returned had it ended after some of its epochs.
 * @param <M> The model type.
 * @see NetworkTrainer#addEpochModelListener
 */
@FunctionalInterface
public interface EpochModelListener<M> {
    /**
     * Called at the end of a chosen epoch with the model of a run of that many epochs; the
     * receiver owns (and closes) the model.
     * @param epoch The epochs done (1-based, below the run's epochs).
     * @param model The model: the current weights (SGD), w_SWA with its BatchNorm
     *              statistics (SWA), or the ensemble of the snapshots so far (FGE).
     */
    void onEpochModel(int epoch, M model);
}
