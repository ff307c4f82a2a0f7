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
     * @param name What the first domains belong to, for the message ("the training data").
     * @param features The first feature domain.
     * @param outputs The first output domain.
     * @param otherName What the second domains belong to.
     * @param otherFeatures The second feature domain.
     * @param otherOutputs The second output domain.
     * @return Empty if every feature id and output id names the same feature and output in both;
     *     else the first difference, in words ("feature 3 is 'x' in NAME, 'y' in OTHER").
     */
    public static Optional<String> difference(String name, ImmutableFeatureMap features, ImmutableOutputInfo<?> outputs, String otherName,
                                              ImmutableFeatureMap otherFeatures, ImmutableOutputInfo<?> otherOutputs) {
        String where = " in " + name + ", ";
        String there = " in " + otherName;
        if (features.size() != otherFeatures.size()) {
            return Optional.of(features.size() + " features" + where + otherFeatures.size() + there);
        }
        for (int id = 0; id < features.size(); id++) {
            String a = features.get(id).getName();
            String b = otherFeatures.get(id).getName();
            if (!a.equals(b)) {
                return Optional.of("feature " + id + " is '" + a + "'" + where + "'" + b + "'" + there);
            }
        }
        if (outputs.size() != otherOutputs.size()) {
            return Optional.of(outputs.size() + " outputs" + where + otherOutputs.size() + there);
        }
        for (int id = 0; id < outputs.size(); id++) {
            String a = name(outputs.getOutput(id));
            String b = name(otherOutputs.getOutput(id));
            if (!a.equals(b)) {
                return Optional.of("output " + id + " is '" + a + "'" + where + "'" + b + "'" + there);
            }
        }
        return Optional.empty();
    }

    /**
     * How two networks' weights differ in meaning, if they do: another network or input shape,
     * another numbering of features or outputs ({@link #difference(String, ImmutableFeatureMap,
     * ImmutableOutputInfo, String, ImmutableFeatureMap, ImmutableOutputInfo)}), or another
     * standardisation of the inputs or targets (fitted on other data).
     * @param name What the first model is, for the message ("ingredient 1").
     * @param model The first model.
     * @param otherName What the second model is.
     * @param other The second model.
     * @return Empty if a weight of one means what the same weight of the other means; else the
     *     first difference, in words.
     */
    public static Optional<String> difference(String name, DJLModel<?> model, String otherName, DJLModel<?> other) {
        if (!model.network().toString().equals(other.network().toString()) || !model.inputShape().equals(other.inputShape())
                || model.weights().getValues().size() != other.weights().getValues().size()) {
            return Optional.of("network " + model.network() + " of input " + model.inputShape() + " in " + name + ", " + other.network()
                    + " of input " + other.inputShape() + " in " + otherName);
        }
        Optional<String> numbering = difference(name, model.getFeatureIDMap(), model.getOutputIDInfo(), otherName, other.getFeatureIDMap(),
                other.getOutputIDInfo());
        if (numbering.isPresent()) {
            return numbering;
        }
        if (!same(model.standardiser(), other.standardiser())) {
            return Optional.of(name + " standardises its inputs unlike " + otherName + " (fitted on other data)");
        }
        if (!same(model.targetStandardiser(), other.targetStandardiser())) {
            return Optional.of(name + " standardises its targets unlike " + otherName + " (fitted on other data)");
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
