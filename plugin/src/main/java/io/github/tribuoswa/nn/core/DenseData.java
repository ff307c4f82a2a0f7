package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.types.Shape;
import io.github.tribuoswa.nn.convert.FeatureConverter;
import io.github.tribuoswa.nn.convert.OutputConverter;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.ImmutableOutputInfo;
import org.tribuo.Output;

import java.util.List;

/**
 * A data set as dense floats, made once per data set (not per epoch): example i's features
 * are row i of {@link #features()}, its target row i of {@link #targets()}, both held in
 * chunks of whole rows ({@link FloatRows}), so a training set may hold more than 2<sup>31</sup>
 * values.
 */
public final class DenseData {

    private final FloatRows features;
    private final FloatRows targets;
    private final int size;
    private final Shape exampleShape;
    private final int featureWidth;
    private final int targetWidth;

    private DenseData(FloatRows features, FloatRows targets, int size, Shape exampleShape, int targetWidth) {
        this.features = features;
        this.targets = targets;
        this.size = size;
        this.exampleShape = exampleShape;
        this.featureWidth = Math.toIntExact(exampleShape.size());
        this.targetWidth = targetWidth;
    }

    /**
     * Converts examples with their targets.
     * @param examples The examples.
     * @param featureConverter The feature converter.
     * @param outputConverter The output converter.
     * @param featureMap The feature map.
     * @param outputInfo The output domain.
     * @param <T> The output type.
     * @return The dense data.
     */
    public static <T extends Output<T>> DenseData of(List<? extends Example<T>> examples, FeatureConverter featureConverter,
                                                     OutputConverter<T> outputConverter, ImmutableFeatureMap featureMap,
                                                     ImmutableOutputInfo<T> outputInfo) {
        Shape shape = featureConverter.shape(featureMap);
        int width = Math.toIntExact(shape.size());
        int targetWidth = outputConverter.targetWidth(outputInfo);
        int n = examples.size();
        FloatRows x = FloatRows.allocate(n, width);
        FloatRows y = FloatRows.allocate(n, targetWidth);
        for (int i = 0; i < n; i++) {
            Example<T> e = examples.get(i);
            featureConverter.fill(e, featureMap, x.arrayOf(i), x.offsetOf(i));
            outputConverter.fillTarget(e.getOutput(), outputInfo, y.arrayOf(i), y.offsetOf(i));
        }
        return new DenseData(x, y, n, shape, targetWidth);
    }

    /**
     * Converts the features of examples (for prediction, a batch at a time).
     * @param examples The examples.
     * @param featureConverter The feature converter.
     * @param featureMap The feature map.
     * @return The features, example after example.
     */
    public static float[] features(List<? extends Example<?>> examples, FeatureConverter featureConverter, ImmutableFeatureMap featureMap) {
        int width = Math.toIntExact(featureConverter.shape(featureMap).size());
        float[] x = new float[Math.multiplyExact(examples.size(), width)];
        for (int i = 0; i < examples.size(); i++) {
            featureConverter.fill(examples.get(i), featureMap, x, i * width);
        }
        return x;
    }

    /**
     * The features, a row per example.
     * @return The backing rows (not a copy).
     */
    public FloatRows features() {
        return features;
    }

    /**
     * The targets, a row per example.
     * @return The backing rows (not a copy).
     */
    public FloatRows targets() {
        return targets;
    }

    /**
     * The number of examples.
     * @return n.
     */
    public int size() {
        return size;
    }

    /**
     * The shape of one example.
     * @return The shape.
     */
    public Shape exampleShape() {
        return exampleShape;
    }

    /**
     * Floats per example.
     * @return The width.
     */
    public int featureWidth() {
        return featureWidth;
    }

    /**
     * Floats per target.
     * @return The width.
     */
    public int targetWidth() {
        return targetWidth;
    }
}
