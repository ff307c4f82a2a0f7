package io.github.tribuoswa;

import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;

import java.util.Random;

/**
 * Small seeded data sets for the optimiser tests.
 */
public final class SyntheticData {

    private SyntheticData() {}

    /**
     * Three Gaussian classes in five dimensions.
     */
    public static MutableDataset<Label> classification(int n, long seed) {
        LabelFactory factory = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("gaussian classes seed " + seed, factory), factory);
        Random rng = new Random(seed);
        double[][] centres = {{2, 0, 0, 1, 0}, {0, 2, 0, -1, 0}, {0, 0, 2, 0, 1}};
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            ArrayExample<Label> e = new ArrayExample<>(new Label("class" + c));
            for (int f = 0; f < 5; f++) {
                e.add("f" + f, centres[c][f] + rng.nextGaussian());
            }
            data.add(e);
        }
        return data;
    }

    /**
     * Two linear targets of four features with noise.
     */
    public static MutableDataset<Regressor> regression(int n, long seed) {
        RegressionFactory factory = new RegressionFactory();
        MutableDataset<Regressor> data = new MutableDataset<>(new SimpleDataSourceProvenance("linear targets seed " + seed, factory), factory);
        Random rng = new Random(seed);
        for (int i = 0; i < n; i++) {
            double[] x = new double[4];
            for (int f = 0; f < 4; f++) {
                x[f] = rng.nextGaussian();
            }
            double y1 = 1.5 * x[0] - 2 * x[1] + 0.5 + 0.1 * rng.nextGaussian();
            double y2 = x[2] + x[3] - 1 + 0.1 * rng.nextGaussian();
            ArrayExample<Regressor> e = new ArrayExample<>(new Regressor(new String[]{"y1", "y2"}, new double[]{y1, y2}));
            for (int f = 0; f < 4; f++) {
                e.add("x" + f, x[f]);
            }
            data.add(e);
        }
        return data;
    }
}
