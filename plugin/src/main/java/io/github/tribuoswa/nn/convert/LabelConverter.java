package io.github.tribuoswa.nn.convert;

import ai.djl.training.loss.Loss;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.ensemble.FullyWeightedVotingCombiner;
import org.tribuo.ensemble.EnsembleCombiner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Classification: the network outputs one logit per class (in the model's label-id order), the
 * loss is softmax cross-entropy against the class index, and predictions carry the softmax
 * probabilities.
 */
public final class LabelConverter implements OutputConverter<Label> {

    /**
     * A label converter (it has no parameters).
     */
    public LabelConverter() {}

    @Override
    public int numOutputs(ImmutableOutputInfo<Label> info) {
        return info.size();
    }

    @Override
    public int targetWidth(ImmutableOutputInfo<Label> info) {
        return 1;
    }

    @Override
    public void fillTarget(Label output, ImmutableOutputInfo<Label> info, float[] destination, int offset) {
        int id = info.getID(output);
        if (id < 0) {
            throw new IllegalArgumentException("Label " + output + " is not in the output domain");
        }
        destination[offset] = id;
    }

    @Override
    public Loss loss() {
        return new SparseSoftmaxCrossEntropy();
    }

    @Override
    public Prediction<Label> prediction(float[] outputs, int offset, ImmutableOutputInfo<Label> info, Example<Label> example) {
        int k = info.size();
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, outputs[offset + j]);
        }
        double[] p = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            p[j] = Math.exp(outputs[offset + j] - max);
            sum += p[j];
        }
        Map<String, Label> scores = new LinkedHashMap<>();
        int best = 0;
        for (int j = 0; j < k; j++) {
            p[j] /= sum;
            String name = info.getOutput(j).getLabel();
            scores.put(name, new Label(name, p[j]));
            if (p[j] > p[best]) {
                best = j;
            }
        }
        String name = info.getOutput(best).getLabel();
        return new Prediction<>(new Label(name, p[best]), scores, example.size(), example, true);
    }

    @Override
    public boolean generatesProbabilities() {
        return true;
    }

    /**
     * Tribuo's {@link FullyWeightedVotingCombiner}: with the uniform weights of an FGE ensemble
     * it predicts the mean of the members' class probabilities.
     * @return The combiner.
     */
    @Override
    public EnsembleCombiner<Label> ensembleCombiner() {
        return new FullyWeightedVotingCombiner();
    }

    @Override
    public Class<Label> outputType() {
        return Label.class;
    }

    @Override
    public String toString() {
        return "LabelConverter()";
    }
}
