package io.github.tribuoswa.nn.convert;

import ai.djl.training.loss.Loss;
import org.tribuo.Example;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Prediction;
import org.tribuo.ensemble.EnsembleCombiner;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.ensemble.AveragingCombiner;

/**
 * Regression, any number of dimensions: the network outputs one value per dimension (in the
 * model's dimension-id order) and is trained with the mean squared error ({@link SquaredError};
 * not DJL's {@code L2Loss}, whose graph holds a Java buffer the garbage collector may free before
 * the backward pass). The trainers standardise the targets per dimension by default
 * ({@code standardiseTargets}); the model maps the network's outputs back to the targets' units.
 */
public final class RegressorConverter implements OutputConverter<Regressor> {

    /**
     * A regressor converter (it has no parameters).
     */
    public RegressorConverter() {}

    @Override
    public int numOutputs(ImmutableOutputInfo<Regressor> info) {
        return info.size();
    }

    @Override
    public int targetWidth(ImmutableOutputInfo<Regressor> info) {
        return info.size();
    }

    @Override
    public void fillTarget(Regressor output, ImmutableOutputInfo<Regressor> info, float[] destination, int offset) {
        for (Regressor.DimensionTuple t : output) {
            int id = info.getID(t);
            if (id < 0) {
                throw new IllegalArgumentException("Regression dimension " + t.getName() + " is not in the output domain");
            }
            destination[offset + id] = (float) t.getValue();
        }
    }

    @Override
    public Loss loss() {
        return new SquaredError();
    }

    @Override
    public Prediction<Regressor> prediction(float[] outputs, int offset, ImmutableOutputInfo<Regressor> info, Example<Regressor> example) {
        int k = info.size();
        String[] names = new String[k];
        double[] values = new double[k];
        for (int j = 0; j < k; j++) {
            names[j] = info.getOutput(j).getNames()[0];
            values[j] = outputs[offset + j];
        }
        return new Prediction<>(new Regressor(names, values), example.size(), example);
    }

    /**
     * Regression targets are real values (standardised by the trainer unless
     * {@code standardiseTargets} is off).
     * @return True.
     */
    @Override
    public boolean realValuedTargets() {
        return true;
    }

    @Override
    public boolean generatesProbabilities() {
        return false;
    }

    /**
     * Tribuo's {@link AveragingCombiner}: the mean of the members' values.
     * @return The combiner.
     */
    @Override
    public EnsembleCombiner<Regressor> ensembleCombiner() {
        return new AveragingCombiner();
    }

    @Override
    public Class<Regressor> outputType() {
        return Regressor.class;
    }

    @Override
    public String toString() {
        return "RegressorConverter()";
    }
}
