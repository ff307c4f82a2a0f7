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
     * A new sequential block.
     */
    static SequentialBlock sequential() {
        return new SequentialBlock();
    }
}
