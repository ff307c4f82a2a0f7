package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Recomputes the BatchNorm running statistics of any DJL block as an equal-weight average over
 * batches of the data, with the weights untouched: what SWA needs for w_SWA (Izmailov et al.
 * 2018, §3.2), as PyTorch's {@code torch.optim.swa_utils.update_bn} does with
 * {@code momentum=None}.
 * <p>
 * DJL's BatchNorm blends each batch into its running statistics with a fixed momentum m
 * (running &larr; m·running + (1 &minus; m)·batch), so this refresh runs its own loop: before each
 * batch it zeroes every BatchNorm layer's running mean and variance, runs the network forward
 * in training mode, takes (1 &minus; m)·batch statistic and divides by (1 &minus; m); the mean over
 * batches is written at the end. The sums are float64 engine arrays on the network's device:
 * nothing is copied to the host. The batch variance is the one DJL's BatchNorm keeps
 * (PyTorch: unbiased). Dropout layers are active in training mode, as in PyTorch.
 * <p>
 * The forward pass stops at the last BatchNorm layer: in a {@link SequentialBlock} nothing after
 * it can change the statistics, so the layers that follow (a CNN's dense head, say) are not run.
 */
public final class BatchNormRefresh {

    private static final NDIndex ALL = new NDIndex("...");

    private BatchNormRefresh() {}

    /**
     * One BatchNorm layer: its running statistics and momentum.
     */
    private static final class Layer {
        final Parameter mean;
        final Parameter variance;
        final float momentum;
        NDArray meanSum;
        NDArray varSum;

        Layer(Parameter mean, Parameter variance, float momentum) {
            this.mean = mean;
            this.variance = variance;
            this.momentum = momentum;
        }
    }

    /**
     * Finds the BatchNorm layers of a block.
     * @param block The block.
     * @return True if it has any.
     */
    public static boolean hasBatchNorm(Block block) {
        return !layers(block).isEmpty();
    }

    private static List<Layer> layers(Block block) {
        List<Layer> out = new ArrayList<>();
        collect(block, out);
        return out;
    }

    private static void collect(Block block, List<Layer> out) {
        if (block instanceof BatchNorm) {
            Parameter mean = null;
            Parameter var = null;
            for (Pair<String, Parameter> p : block.getDirectParameters()) {
                if (p.getValue().getType() == Parameter.Type.RUNNING_MEAN) {
                    mean = p.getValue();
                } else if (p.getValue().getType() == Parameter.Type.RUNNING_VAR) {
                    var = p.getValue();
                }
            }
            out.add(new Layer(mean, var, momentum((BatchNorm) block)));
        }
        for (Pair<String, Block> child : block.getChildren()) {
            collect(child.getValue(), out);
        }
    }

    /**
     * The blocks to run one after the other, from the input up to the block that holds the last
     * BatchNorm layer: a sequential block is opened as long as that layer lies inside one of its
     * children, and its children after that one are left out.
     */
    static List<Block> toLastBatchNorm(Block block) {
        List<Block> parts = new ArrayList<>();
        Block current = block;
        while (current instanceof SequentialBlock) {
            List<Block> children = current.getChildren().values();
            int last = -1;
            for (int i = 0; i < children.size(); i++) {
                if (hasBatchNorm(children.get(i))) {
                    last = i;
                }
            }
            if (last < 0) {
                break;
            }
            parts.addAll(children.subList(0, last));
            current = children.get(last);
        }
        parts.add(current);
        return parts;
    }

    private static float momentum(BatchNorm bn) {
        try {
            Field f = BatchNorm.class.getDeclaredField("momentum");
            f.setAccessible(true);
            return f.getFloat(bn);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException("Cannot read the momentum of a DJL BatchNorm layer", e);
        }
    }

    /** sum += statistic · scale, in float64 on the statistic's device (the sum is made on first use). */
    private static NDArray accumulate(NDManager sums, NDManager scratch, NDArray sum, NDArray statistic, double scale) {
        NDArray scaled = statistic.toType(DataType.FLOAT64, true);
        scaled.attach(scratch);
        scaled.muli(scale);
        NDArray total = sum;
        if (total == null) {
            total = sums.zeros(statistic.getShape(), DataType.FLOAT64, statistic.getDevice());
        }
        return total.addi(scaled);
    }

    /** statistic = sum / batches, rounded to the statistic's type, in place. */
    private static void writeMean(NDArray statistic, NDArray sum, int batches) {
        try (NDManager tmp = sum.getManager().newSubManager()) {
            NDArray mean = sum.div(batches);
            mean.attach(tmp);
            NDArray cast = mean.toType(statistic.getDataType(), false);
            cast.attach(tmp);
            statistic.set(ALL, cast);
        }
    }

    /**
     * Refreshes the running statistics in place.
     * @param block An initialised network.
     * @param manager A manager on the network's device.
     * @param features The examples, one after the other.
     * @param exampleShape The shape of one example.
     * @param batchSize The batch size (&ge; 1).
     * @return The number of BatchNorm layers refreshed (0: nothing to do).
     */
    public static int refresh(Block block, NDManager manager, float[] features, Shape exampleShape, int batchSize) {
        return refresh(block, manager, FloatRows.wrap(features, Math.toIntExact(exampleShape.size())), exampleShape, batchSize);
    }

    /**
     * Refreshes the running statistics in place, streaming the batches from rows held in chunks.
     * @param block An initialised network.
     * @param manager A manager on the network's device.
     * @param features The examples, a row each (as {@link DenseData#features()}).
     * @param exampleShape The shape of one example.
     * @param batchSize The batch size (&ge; 1).
     * @return The number of BatchNorm layers refreshed (0: nothing to do).
     */
    public static int refresh(Block block, NDManager manager, FloatRows features, Shape exampleShape, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize = " + batchSize + " is out of range; allowed: integer >= 1");
        }
        List<Layer> layers = layers(block);
        if (layers.isEmpty()) {
            return 0;
        }
        int n = features.rows();
        if (n == 0) {
            throw new IllegalArgumentException("No examples to refresh BatchNorm statistics with");
        }
        List<Block> toLastBatchNorm = toLastBatchNorm(block);
        try (NDManager sums = manager.newSubManager()) {
            // autograd off; the run may go on training afterwards (epoch models), so NoGrad restores it
            NoGrad.run(() -> average(layers, toLastBatchNorm, manager, sums, features, exampleShape, n, batchSize));
        }
        return layers.size();
    }

    /** The equal-weight average of every layer's batch statistics over the batches, written into its running statistics. */
    private static void average(List<Layer> layers, List<Block> toLastBatchNorm, NDManager manager, NDManager sums, FloatRows features,
                                Shape exampleShape, int n, int batchSize) {
        int batches = 0;
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            if (b < 2 && batches > 0) {
                break; // a batch of one has no variance; skip a trailing single example
            }
            for (Layer l : layers) {
                l.mean.getArray().muli(0);
                l.variance.getArray().muli(0);
            }
            try (NDManager sub = manager.newSubManager()) {
                NDArray x = DenseBatches.slice(sub, features, exampleShape, start, b);
                ParameterStore store = new ParameterStore(sub, false);
                NDList current = new NDList(x);
                for (Block part : toLastBatchNorm) {
                    current = part.forward(store, current, true);
                }
                for (Layer l : layers) {
                    double scale = 1.0 / (1.0 - l.momentum);
                    l.meanSum = accumulate(sums, sub, l.meanSum, l.mean.getArray(), scale);
                    l.varSum = accumulate(sums, sub, l.varSum, l.variance.getArray(), scale);
                }
            }
            batches++;
        }
        for (Layer l : layers) {
            writeMean(l.mean.getArray(), l.meanSum, batches);
            writeMean(l.variance.getArray(), l.varSum, batches);
        }
    }
}
