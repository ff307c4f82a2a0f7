package io.github.tribuoswa.nn.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import ai.djl.util.Pair;

import java.util.SplittableRandom;

/**
 * How a network's weights are drawn before training (when no initial model is given).
 */
public enum Initialisation {
    /**
     * DJL's defaults, as its blocks set them: weights of dense and convolution layers
     * Kaiming-normal, N(0, 2 / fan_in) (DJL's {@code XavierInitializer(GAUSSIAN, IN, 2)}),
     * biases 0, BatchNorm γ = 1 and β = 0; drawn by the engine from the run's seed.
     */
    DJL,
    /**
     * PyTorch's {@code torch.nn} defaults ({@code reset_parameters} of {@code Linear} and
     * {@code Conv2d}): the weight and the bias of each dense or convolution layer drawn from
     * U(&plusmn;1/&radic;fan_in), fan_in = input channels × kernel size (the weight bound is
     * {@code kaiming_uniform_} with a = &radic;5; a standard deviation 1/&radic;(3·fan_in), 0.41
     * of DJL's); BatchNorm γ = 1, β = 0 as in DJL. The values
     * come from a Java generator seeded by the run, so they are the same on every device.
     */
    PYTORCH;

    /**
     * Draws the initial weights of an initialised block, in place (DJL leaves its own).
     * @param block The initialised network.
     * @param seed The seed of the draw.
     */
    public void apply(Block block, long seed) {
        if (this == PYTORCH) {
            drawPyTorch(block, new SplittableRandom(seed));
        }
    }

    private static void drawPyTorch(Block block, SplittableRandom rng) {
        Parameter weight = null;
        Parameter bias = null;
        if (block instanceof Linear || block instanceof Convolution) {
            for (Pair<String, Parameter> p : block.getDirectParameters()) {
                if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                    weight = p.getValue();
                } else if (p.getValue().getType() == Parameter.Type.BIAS) {
                    bias = p.getValue();
                }
            }
        }
        if (weight != null) {
            double bound = 1 / Math.sqrt(fanIn(weight.getArray().getShape()));
            uniform(weight.getArray(), bound, rng);
            if (bias != null) {
                uniform(bias.getArray(), bound, rng);
            }
        }
        for (Pair<String, Block> child : block.getChildren()) {
            drawPyTorch(child.getValue(), rng);
        }
    }

    /**
     * The fan-in of a dense or convolution weight of shape (out, in, k1, k2, ...): in × k1 × k2 ⋯.
     * @param shape The weight's shape, at least 2-D.
     * @return The fan-in.
     */
    static long fanIn(Shape shape) {
        return shape.size() / shape.get(0);
    }

    private static void uniform(NDArray array, double bound, SplittableRandom rng) {
        float[] values = new float[Math.toIntExact(array.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) ((2 * rng.nextDouble() - 1) * bound);
        }
        NetworkWeights.copyInto(array, values, 0);
    }
}
