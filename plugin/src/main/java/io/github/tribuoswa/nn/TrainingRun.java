package io.github.tribuoswa.nn;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.optimizer.Optimizer;
import com.oracle.labs.mlrg.olcut.provenance.Provenance;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Standardiser;
import io.github.tribuoswa.nn.core.WeightCollector;
import io.github.tribuoswa.nn.core.WeightsCodec;
import io.github.tribuoswa.nn.listen.TelemetryListener;
import io.github.tribuoswa.nn.network.NetworkFactory;
import io.github.tribuoswa.protos.WeightsProto;
import org.tribuo.Dataset;
import org.tribuo.Output;
import org.tribuo.provenance.ModelProvenance;
import org.tribuo.provenance.TrainerProvenance;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * A finished (or, for epoch models, paused) training run of a {@link NetworkTrainer}, as its
 * subclass's {@code finish} sees it: the trained network, the data, the weight collectors,
 * and what it takes to make Tribuo models of weights.
 * @param <T> The output type.
 */
public final class TrainingRun<T extends Output<T>> {

    /**
     * What a run's models are made of besides their weights.
     * @param <T> The output type.
     * @param network The network factory.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     * @param device The device specification of the models.
     * @param batchSize The run's batch size.
     */
    record Setup<T extends Output<T>>(NetworkFactory network, FeatureConverter featureConverter, OutputConverter<T> outputConverter,
                                      String device, int batchSize) {
    }

    private final Setup<T> setup;
    private final int invocation;
    private final Dataset<T> dataset;
    private final DenseData data;
    private final Standardiser standardiser;
    private final Standardiser targetStandardiser;
    private final Block block;
    private final NDManager manager;
    private final Optimizer optimizer;
    private final List<WeightCollector> collectors;
    private final TrainerProvenance trainerProvenance;
    private final Map<String, Provenance> runProvenance;
    private final TelemetryListener telemetry;

    TrainingRun(Setup<T> setup, int invocation, Dataset<T> dataset, DenseData data, Standardiser standardiser, Standardiser targetStandardiser,
                Block block, NDManager manager, Optimizer optimizer, List<WeightCollector> collectors, TrainerProvenance trainerProvenance,
                Map<String, Provenance> runProvenance, TelemetryListener telemetry) {
        this.setup = setup;
        this.invocation = invocation;
        this.dataset = dataset;
        this.data = data;
        this.standardiser = standardiser;
        this.targetStandardiser = targetStandardiser;
        this.block = block;
        this.manager = manager;
        this.optimizer = optimizer;
        this.collectors = collectors;
        this.trainerProvenance = trainerProvenance;
        this.runProvenance = runProvenance;
        this.telemetry = telemetry;
    }

    /**
     * The same run with other collectors (copies, for epoch models).
     * @param others The collectors.
     * @return The run.
     */
    TrainingRun<T> withCollectors(List<WeightCollector> others) {
        return new TrainingRun<>(setup, invocation, dataset, data, standardiser, targetStandardiser, block, manager, optimizer, others,
                trainerProvenance, runProvenance, telemetry);
    }

    /**
     * Which invocation of the trainer this run is (Tribuo's invocation count: 0 for the first
     * {@code train} call, or what {@code setInvocationCount} set).
     * @return The invocation, from 0.
     */
    public int invocation() {
        return invocation;
    }

    /**
     * The run's telemetry (spans for work done after training, such as the BatchNorm refresh).
     * @return The telemetry.
     */
    public TelemetryListener telemetry() {
        return telemetry;
    }

    /**
     * The trained network.
     * @return The block.
     */
    public Block block() {
        return block;
    }

    /**
     * A manager on the network's device.
     * @return The manager.
     */
    public NDManager manager() {
        return manager;
    }

    /**
     * The training data as dense arrays (standardised if the trainer standardises).
     * @return The data.
     */
    public DenseData data() {
        return data;
    }

    /**
     * The collectors that were attached.
     * @return The collectors.
     */
    public List<WeightCollector> collectors() {
        return collectors;
    }

    /**
     * The training dataset.
     * @return The dataset.
     */
    public Dataset<T> dataset() {
        return dataset;
    }

    /**
     * The trainer's provenance for this run.
     * @return The provenance.
     */
    public TrainerProvenance trainerProvenance() {
        return trainerProvenance;
    }

    /**
     * The output converter (its ensemble combiner, for ensembles).
     * @return The converter.
     */
    public OutputConverter<T> outputConverter() {
        return setup.outputConverter();
    }

    /**
     * A model of the network with the given weights (every parameter, in network order).
     * @param weights The weights.
     * @param name The model name.
     * @return The model.
     */
    public DJLModel<T> model(WeightsProto weights, String name) {
        ModelProvenance provenance = new ModelProvenance(DJLModel.class.getName(), OffsetDateTime.now(),
                dataset.getProvenance(), trainerProvenance, runProvenance);
        return new DJLModel<>(name, provenance, dataset.getFeatureIDMap(), dataset.getOutputIDInfo(), setup.network(),
                setup.featureConverter(), setup.outputConverter(), data.exampleShape(), weights, standardiser, targetStandardiser,
                setup.device());
    }

    /**
     * A model of the network with its current weights.
     * @param name The model name.
     * @return The model.
     */
    public DJLModel<T> model(String name) {
        return model(WeightsCodec.encode(block), name);
    }

    /**
     * The run's DJL optimizer (schedule-free SGD's average lives there).
     * @return The optimizer.
     */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * The batch size of the run.
     * @return The batch size.
     */
    public int batchSize() {
        return setup.batchSize();
    }
}
