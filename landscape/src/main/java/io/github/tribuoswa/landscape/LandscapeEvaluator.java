package io.github.tribuoswa.landscape;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.Domains;
import io.github.tribuoswa.nn.core.BatchNormRefresh;
import io.github.tribuoswa.nn.core.DenseBatches;
import io.github.tribuoswa.nn.core.DenseData;
import io.github.tribuoswa.nn.core.Engines;
import io.github.tribuoswa.nn.core.NetworkWeights;
import io.github.tribuoswa.nn.core.WeightsCodec;
import org.tribuo.Dataset;
import org.tribuo.Example;
import org.tribuo.classification.Label;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Evaluates a classification network at arbitrary weights: the training loss and error and the
 * test error (and loss) that the loss-geometry figures plot. The network is the architecture of
 * a {@link DJLModel}; weight vectors are its trainable weights in {@link NetworkWeights} order.
 * For a network with BatchNorm, each evaluated point first gets its BatchNorm statistics
 * recomputed on the training examples ({@link BatchNormRefresh}), as the authors' code does.
 * Forward passes run in large batches.
 */
public final class LandscapeEvaluator implements AutoCloseable {

    private final NDManager manager;
    private final Block block;
    private final DenseData train;
    private final DenseData test;
    private final int batchSize;
    private final boolean batchNorm;
    private final int classes;
    private final DJLModel<Label> architecture;

    /**
     * The values at one point.
     * @param trainLoss Mean cross-entropy on the training examples.
     * @param trainError Error rate on the training examples.
     * @param testLoss Mean cross-entropy on the test examples.
     * @param testError Error rate on the test examples.
     */
    public record Evaluation(double trainLoss, double trainError, double testLoss, double testError) {}

    /**
     * An evaluator.
     * @param model A model of the architecture (its converters, feature map and
     *              standardisation are used).
     * @param trainData Training examples.
     * @param testData Test examples.
     * @param trainSubset How many training examples to use (0: all), chosen with the seed.
     * @param testSubset How many test examples to use (0: all).
     * @param seed The subsampling seed.
     * @param batchSize Forward batch size.
     */
    public LandscapeEvaluator(DJLModel<Label> model, Dataset<Label> trainData, Dataset<Label> testData, int trainSubset, int testSubset,
                              long seed, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize = " + batchSize + " is out of range; allowed: integer >= 1");
        }
        this.batchSize = batchSize;
        this.train = dense(model, trainData, trainSubset, seed);
        this.test = dense(model, testData, testSubset, seed + 1);
        this.classes = model.getOutputIDInfo().size();
        this.architecture = model;
        this.manager = Engines.pytorch().newBaseManager(Device.cpu());
        this.block = model.newNetwork(manager);
        NetworkWeights.write(block, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), block));
        this.batchNorm = BatchNormRefresh.hasBatchNorm(block);
    }

    private static DenseData dense(DJLModel<Label> model, Dataset<Label> data, int subset, long seed) {
        List<Example<Label>> list = new ArrayList<>();
        data.forEach(list::add);
        if (subset > 0 && subset < list.size()) {
            Collections.shuffle(list, new Random(seed));
            list = list.subList(0, subset);
        }
        DenseData d = DenseData.of(list, model.featureConverter(), model.outputConverter(), model.getFeatureIDMap(), model.getOutputIDInfo());
        if (model.standardiser() != null) {
            model.standardiser().apply(d.features());
        }
        return d;
    }

    /**
     * The trainable weights of a model of the same architecture.
     * @param model The model: of this evaluator's network, features, classes and standardisation
     *              ({@link Domains#difference(String, DJLModel, String, DJLModel)}).
     * @return Its trainable weights.
     * @throws IllegalArgumentException if its weights do not mean what the evaluator's model's mean.
     */
    public float[] weightsOf(DJLModel<Label> model) {
        Domains.difference("model " + model.getName(), model, "the evaluator's model " + architecture.getName(), architecture).ifPresent(d -> {
            throw new IllegalArgumentException("model " + model.getName() + " differs from the evaluator's model " + architecture.getName() + " ("
                    + d + "); allowed: models of one network, features, classes and standardisation");
        });
        try (NDManager m = Engines.pytorch().newBaseManager(Device.cpu())) {
            Block b = model.newNetwork(m);
            NetworkWeights.write(b, NetworkWeights.Selection.ALL, WeightsCodec.decode(model.weights(), b));
            return NetworkWeights.read(b, NetworkWeights.Selection.TRAINABLE);
        }
    }

    /**
     * The number of trainable weights.
     * @return The dimension of the weight space.
     */
    public int dimension() {
        return NetworkWeights.size(block, NetworkWeights.Selection.TRAINABLE);
    }

    /**
     * The shapes of the trainable parameters, in order (for filter normalisation).
     * @return The shapes.
     */
    public List<long[]> trainableShapes() {
        List<long[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : NetworkWeights.parameters(block, NetworkWeights.Selection.TRAINABLE)) {
            out.add(p.getValue().getArray().getShape().getShape());
        }
        return out;
    }

    /**
     * Evaluates the network at some trainable weights.
     * @param weights Trainable weights.
     * @return The losses and errors.
     */
    public synchronized Evaluation evaluate(float[] weights) {
        NetworkWeights.write(block, NetworkWeights.Selection.TRAINABLE, weights);
        if (batchNorm) {
            BatchNormRefresh.refresh(block, manager, train.features(), train.exampleShape(), batchSize);
        }
        double[] tr = lossAndError(train);
        double[] te = lossAndError(test);
        return new Evaluation(tr[0], tr[1], te[0], te[1]);
    }

    private double[] lossAndError(DenseData data) {
        JniUtils.setGradMode(false);
        double loss = 0;
        long wrong = 0;
        for (int start = 0; start < data.size(); start += batchSize) {
            int b = Math.min(batchSize, data.size() - start);
            float[] logits;
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = DenseBatches.slice(sub, data.features(), data.exampleShape(), start, b);
                logits = block.forward(new ParameterStore(sub, false), new NDList(x), false).singletonOrThrow().toFloatArray();
            }
            for (int i = 0; i < b; i++) {
                int target = (int) data.targets().get(start + i, 0);
                double max = Double.NEGATIVE_INFINITY;
                int arg = 0;
                for (int c = 0; c < classes; c++) {
                    double v = logits[i * classes + c];
                    if (v > max) {
                        max = v;
                        arg = c;
                    }
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(logits[i * classes + c] - max);
                }
                loss += max + Math.log(sum) - logits[i * classes + target];
                if (arg != target) {
                    wrong++;
                }
            }
        }
        return new double[]{loss / data.size(), (double) wrong / data.size()};
    }

    @Override
    public void close() {
        manager.close();
    }
}
