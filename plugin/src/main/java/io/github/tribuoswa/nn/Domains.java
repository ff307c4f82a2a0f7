package io.github.tribuoswa.nn;

import io.github.tribuoswa.nn.core.Standardiser;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Output;
import org.tribuo.classification.Label;
import org.tribuo.regression.Regressor;

import java.util.Arrays;
import java.util.Optional;

/**
 * Whether two networks' weights mean the same thing column by column and row by row: a
 * network reads feature id j in input column j and writes output id k in output row k, so
 * weights trained under one numbering of the features or outputs are wrong under another
 * (silently, when the counts agree). Only the numbering is compared, not the data's statistics.
 */
public final class Domains {

    private Domains() {}

    /**
     * How two numberings of features and outputs differ, if they do.
     * @param features The first feature domain.
     * @param outputs The first output domain.
     * @param otherFeatures The second feature domain.
     * @param otherOutputs The second output domain.
     * @return Empty if every feature id and output id names the same feature and output in both;
     *     else the first difference, in words ("feature 3 is 'x' here, 'y' there").
     */
    public static Optional<String> difference(ImmutableFeatureMap features, ImmutableOutputInfo<?> outputs,
                                              ImmutableFeatureMap otherFeatures, ImmutableOutputInfo<?> otherOutputs) {
        if (features.size() != otherFeatures.size()) {
            return Optional.of(features.size() + " features here, " + otherFeatures.size() + " there");
        }
        for (int id = 0; id < features.size(); id++) {
            String a = features.get(id).getName();
            String b = otherFeatures.get(id).getName();
            if (!a.equals(b)) {
                return Optional.of("feature " + id + " is '" + a + "' here, '" + b + "' there");
            }
        }
        if (outputs.size() != otherOutputs.size()) {
            return Optional.of(outputs.size() + " outputs here, " + otherOutputs.size() + " there");
        }
        for (int id = 0; id < outputs.size(); id++) {
            String a = name(outputs.getOutput(id));
            String b = name(otherOutputs.getOutput(id));
            if (!a.equals(b)) {
                return Optional.of("output " + id + " is '" + a + "' here, '" + b + "' there");
            }
        }
        return Optional.empty();
    }

    /**
     * How two networks' weights differ in meaning, if they do: another network or input shape,
     * another numbering of features or outputs ({@link #difference(ImmutableFeatureMap,
     * ImmutableOutputInfo, ImmutableFeatureMap, ImmutableOutputInfo)}), or another
     * standardisation of the inputs or targets (fitted on other data).
     * @param model The first model.
     * @param other The second model.
     * @return Empty if a weight of one means what the same weight of the other means; else the
     *     first difference, in words.
     */
    public static Optional<String> difference(DJLModel<?> model, DJLModel<?> other) {
        if (!model.network().toString().equals(other.network().toString()) || !model.inputShape().equals(other.inputShape())
                || model.weights().getValues().size() != other.weights().getValues().size()) {
            return Optional.of("network " + model.network() + " of input " + model.inputShape() + " here, " + other.network() + " of input "
                    + other.inputShape() + " there");
        }
        Optional<String> numbering = difference(model.getFeatureIDMap(), model.getOutputIDInfo(), other.getFeatureIDMap(),
                other.getOutputIDInfo());
        if (numbering.isPresent()) {
            return numbering;
        }
        if (!same(model.standardiser(), other.standardiser())) {
            return Optional.of("another standardisation of the inputs (fitted on other data)");
        }
        if (!same(model.targetStandardiser(), other.targetStandardiser())) {
            return Optional.of("another standardisation of the targets (fitted on other data)");
        }
        return Optional.empty();
    }

    private static boolean same(Standardiser a, Standardiser b) {
        return a == null ? b == null : b != null && Arrays.equals(a.mean(), b.mean()) && Arrays.equals(a.std(), b.std());
    }

    private static String name(Output<?> output) {
        if (output == null) {
            return "(none)";
        } else if (output instanceof Label l) {
            return l.getLabel();
        } else if (output instanceof Regressor r) {
            return String.join(",", r.getNames());
        }
        return output.getSerializableForm(false);
    }
}
