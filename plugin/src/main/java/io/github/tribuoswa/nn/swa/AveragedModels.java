package io.github.tribuoswa.nn.swa;

import ai.djl.nn.Block;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.TrainingRun;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import org.tribuo.Output;

import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * How an averaging trainer turns its average into the returned model (SWA, EMA, LAWA): the average
 * written into the network, its BatchNorm statistics refreshed with one pass over the training
 * data if asked ({@link BatchNormMode#REFRESH}), then a {@link DJLModel} of it.
 */
final class AveragedModels {

    private static final Logger logger = Logger.getLogger(AveragedModels.class.getName());

    private AveragedModels() {}

    /**
     * The model of a run's running average.
     * @param run The finished run.
     * @param average The listener holding the average.
     * @param batchNormMode What to do with BatchNorm statistics.
     * @param name The model's name.
     * @param <T> The output type.
     * @return The model.
     */
    static <T extends Output<T>> DJLModel<T> of(TrainingRun<T> run, AveragingListener average, BatchNormMode batchNormMode, String name) {
        return of(run, average::writeAverage, average.method() + ": the average of " + average.averagedModels() + " models", batchNormMode,
                name);
    }

    /**
     * The model of an average a collector writes into the network.
     * @param run The finished run.
     * @param writeAverage Writes the average into the run's network.
     * @param description What was averaged, for the log.
     * @param batchNormMode What to do with BatchNorm statistics.
     * @param name The model's name.
     * @param <T> The output type.
     * @return The model.
     */
    static <T extends Output<T>> DJLModel<T> of(TrainingRun<T> run, Consumer<Block> writeAverage, String description,
                                               BatchNormMode batchNormMode, String name) {
        writeAverage.accept(run.block());
        logger.info(description);
        if (batchNormMode == BatchNormMode.REFRESH) {
            int layers = run.telemetry().batchNormRefresh(() ->
                    BatchNormRefresh.refresh(run.block(), run.manager(), run.data().features(), run.data().exampleShape(), run.batchSize()));
            if (layers > 0) {
                logger.info("Refreshed the BatchNorm statistics of " + layers + " layers");
            }
        }
        return run.model(name);
    }
}
