package io.github.tribuoswa.nn.network;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

import java.util.Arrays;

/**
 * Building blocks shared by the network factories.
 */
final class Layers {

    private Layers() {}

    /**
     * A k&times;k convolution with "same" padding.
     */
    static Block conv(int filters, int kernel, int stride, boolean bias) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .setFilters(filters)
                .optBias(bias)
                .build();
    }

    /**
     * BatchNorm over the channel axis.
     */
    static Block batchNorm() {
        return BatchNorm.builder().build();
    }

    /**
     * out = main(x) + shortcut(x).
     */
    static Block residual(Block main, Block shortcut) {
        return new ParallelBlock(list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
                Arrays.asList(main, shortcut));
    }

    /**
     * The identity.
     */
    static Block identity() {
        return Blocks.identityBlock();
    }

    /**
     * Requires an image input shape (channels, height, width).
     */
    static void requireImage(Object owner, Shape inputShape) {
        if (inputShape.dimension() != 3) {
            throw new IllegalArgumentException(owner.getClass().getSimpleName() + " needs image inputs of shape (channels, height, width), found "
                    + inputShape + "; use an ImageConverter");
        }
    }

    /**
     * Adds a convolution, optional BatchNorm and ReLU.
     */
    static void convBlock(SequentialBlock net, int filters, int kernel, boolean batchNorm, boolean bias) {
        net.add(conv(filters, kernel, 1, bias));
        if (batchNorm) {
            net.add(batchNorm());
        }
        net.add(ai.djl.nn.Activation.reluBlock());
    }

    /**
     * Adds 2&times;2 max pooling while the feature map is at least 2&times;2.
     * @param hw The current height and width, halved in place when a pool is added.
     */
    static void maxPoolIfPossible(SequentialBlock net, long[] hw) {
        if (hw[0] >= 2 && hw[1] >= 2) {
            net.add(ai.djl.nn.pooling.Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
            hw[0] /= 2;
            hw[1] /= 2;
        }
    }

    /**
     * Adds dropout when the rate is above 0.
     */
    static void dropout(SequentialBlock net, double rate) {
        if (rate > 0) {
            net.add(ai.djl.nn.norm.Dropout.builder().optRate((float) rate).build());
        }
    }
}
