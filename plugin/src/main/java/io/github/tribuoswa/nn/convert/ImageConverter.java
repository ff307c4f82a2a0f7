package io.github.tribuoswa.nn.convert;

import ai.djl.ndarray.types.Shape;
import com.oracle.labs.mlrg.olcut.config.Config;
import io.github.tribuoswa.util.Checks;
import org.tribuo.Example;
import org.tribuo.Feature;
import org.tribuo.ImmutableFeatureMap;

/**
 * Images of explicit shape channels &times; height &times; width, with each feature named by
 * its pixel index: the name is an integer p in [0, C·H·W), laid out channel-major then
 * row-major (p = c·H·W + y·W + x), as Tribuo's {@code IDXDataSource} names pixels ("000" …
 * "783" for 28&times;28 grey images).
 * <p>
 * Pixels are mapped by name, never by feature id: Tribuo keeps only non-zero pixels and its
 * feature maps number features by sorted name and drop never-seen ones, so ids are not pixel
 * positions. A feature whose name is not a pixel index of this shape is an error.
 */
public final class ImageConverter implements FeatureConverter {

    @Config(description = "Number of channels (>= 1).")
    private int channels = 1;

    @Config(mandatory = true, description = "Image height in pixels (>= 1).")
    private int height;

    @Config(mandatory = true, description = "Image width in pixels (>= 1).")
    private int width;

    /**
     * For OLCUT.
     */
    private ImageConverter() {}

    /**
     * An image converter.
     * @param channels C.
     * @param height H.
     * @param width W.
     */
    public ImageConverter(int channels, int height, int width) {
        this.channels = channels;
        this.height = height;
        this.width = width;
        postConfig();
    }

    @Override
    public void postConfig() {
        Checks.atLeast(this, "channels", channels, 1);
        Checks.atLeast(this, "height", height, 1);
        Checks.atLeast(this, "width", width, 1);
    }

    @Override
    public Shape shape(ImmutableFeatureMap featureMap) {
        return new Shape(channels, height, width);
    }

    @Override
    public void fill(Example<?> example, ImmutableFeatureMap featureMap, float[] destination, int offset) {
        int size = channels * height * width;
        for (Feature f : example) {
            int p;
            try {
                p = Integer.parseInt(f.getName());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("feature '" + f.getName() + "' is not a pixel index; ImageConverter("
                        + channels + "x" + height + "x" + width + ") needs integer feature names in [0, " + size + ")");
            }
            if (p < 0 || p >= size) {
                throw new IllegalArgumentException("feature '" + f.getName() + "' is outside the " + channels + "x" + height + "x" + width
                        + " image; allowed pixel indices: [0, " + size + ")");
            }
            destination[offset + p] = (float) f.getValue();
        }
    }

    @Override
    public String toString() {
        return "ImageConverter(channels=" + channels + ",height=" + height + ",width=" + width + ")";
    }
}
