package io.github.tribuoswa.nn.convert;

import ai.djl.training.loss.Loss;
import com.oracle.labs.mlrg.olcut.config.Configurable;
import com.oracle.labs.mlrg.olcut.provenance.ConfiguredObjectProvenance;
import com.oracle.labs.mlrg.olcut.provenance.Provenancable;
import com.oracle.labs.mlrg.olcut.provenance.impl.ConfiguredObjectProvenanceImpl;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.Prediction;
import org.tribuo.ensemble.EnsembleCombiner;

/**
 * Connects a Tribuo output type to a network: the training targets, the loss, and the
 * prediction made from the network's outputs.
 * @param <T> The output type.
 */
public interface OutputConverter<T extends Output<T>> extends Configurable, Provenancable<ConfiguredObjectProvenance> {

    /**
     * The network's output width: classes or regression dimensions.
     * @param info The model's output domain.
     * @return The width.
     */
    int numOutputs(ImmutableOutputInfo<T> info);

    /**
     * Floats per training target: 1 (a class index) or the regression dimensions.
     * @param info The model's output domain.
     * @return The width.
     */
    int targetWidth(ImmutableOutputInfo<T> info);

    /**
     * Writes an example's target.
     * @param output The output.
     * @param info The model's output domain.
     * @param destination The array.
     * @param offset The start.
     */
    void fillTarget(T output, ImmutableOutputInfo<T> info, float[] destination, int offset);

    /**
     * The training loss.
     * @return A DJL loss of the network's outputs against the targets.
     */
    Loss loss();

    /**
     * The prediction for one example.
     * @param outputs The network's outputs for a batch.
     * @param offset Where this example's {@link #numOutputs} values start.
     * @param info The model's output domain.
     * @param example The example.
     * @return The prediction.
     */
    Prediction<T> prediction(float[] outputs, int offset, ImmutableOutputInfo<T> info, Example<T> example);

    /**
     * Whether the targets are real values on the user's scale (regression), which a trainer
     * standardises when {@code standardiseTargets} is on; false for class indices.
     * @return True for regression.
     */
    default boolean realValuedTargets() {
        return false;
    }

    /**
     * Whether predictions carry probabilities.
     * @return True for classification.
     */
    boolean generatesProbabilities();

    /**
     * The combiner of an ensemble of networks for this output: the mean of the members'
     * class probabilities, or of their values.
     * @return The combiner.
     */
    EnsembleCombiner<T> ensembleCombiner();

    /**
     * The output type, checked when a model is deserialized.
     * @return The class.
     */
    Class<T> outputType();

    @Override
    default ConfiguredObjectProvenance getProvenance() {
        return new ConfiguredObjectProvenanceImpl(this, "OutputConverter");
    }
}
