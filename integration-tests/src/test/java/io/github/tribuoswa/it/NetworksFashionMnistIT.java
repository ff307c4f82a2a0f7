package io.github.tribuoswa.it;

import io.github.tribuoswa.data.FashionMnist;
import io.github.tribuoswa.nn.DJLModel;
import io.github.tribuoswa.nn.DJLTrainer;
import io.github.tribuoswa.nn.convert.ImageConverter;
import io.github.tribuoswa.nn.convert.LabelConverter;
import io.github.tribuoswa.nn.network.Activation;
import io.github.tribuoswa.nn.network.CNNFactory;
import io.github.tribuoswa.nn.network.MLPFactory;
import io.github.tribuoswa.nn.optim.SGDFactory;
import io.github.tribuoswa.schedule.BaselineSchedule;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.evaluation.LabelEvaluator;
import org.tribuo.math.optimisers.SGD;

import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DJL networks on real Fashion-MNIST: an MLP on the full data set (installed by
 * {@code .ci/run}), a BatchNorm CNN on the embedded subset, and serialization round trips.
 */
public class NetworksFashionMnistIT {

    private static final ImageConverter IMAGES = new ImageConverter(1, FashionMnist.SIDE, FashionMnist.SIDE);

    private static DJLTrainer<Label> trainer(io.github.tribuoswa.nn.network.NetworkFactory net, int epochs, long steps) {
        return new DJLTrainer<>(net, IMAGES, new LabelConverter(), epochs, 128, new SGDFactory(SGD.Momentum.STANDARD, 0.9, 5e-4),
                new BaselineSchedule(0.05, steps), 1L, "cpu", 2, false);
    }

    @Test
    public void mlpReaches84PercentOnFullFashionMnistInTwoEpochs() throws Exception {
        assertTrue(FashionMnist.systemDataAvailable(), "Full Fashion-MNIST is missing: run `apt-get install -y dataset-fashion-mnist`");
        Path dir = FashionMnist.resolve(FashionMnist.SYSTEM_DIRECTORY_NAME);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        try (DJLModel<Label> model = trainer(new MLPFactory(new int[]{256}, Activation.RELU, 0, false), 2, 2 * 469).train(train)) {
            double accuracy = new LabelEvaluator().evaluate(model, test).accuracy();
            System.out.printf("MLP, full Fashion-MNIST, 2 epochs: test accuracy %.4f%n", accuracy);
            assertTrue(accuracy >= 0.84, "accuracy " + accuracy);
        }
    }

    @Test
    public void batchNormCnnTrainsOnTheSubsetAndRoundTrips() throws Exception {
        Path dir = FashionMnist.resolve(FashionMnist.EMBEDDED);
        MutableDataset<Label> train = FashionMnist.load(dir, FashionMnist.Split.TRAIN);
        MutableDataset<Label> test = FashionMnist.load(dir, FashionMnist.Split.TEST);
        try (DJLModel<Label> model = trainer(new CNNFactory(new int[]{16, 32}, 3, true, 64, 0), 2, 2 * 47).train(train)) {
            double accuracy = new LabelEvaluator().evaluate(model, test).accuracy();
            System.out.printf("BatchNorm CNN, embedded subset, 2 epochs: test accuracy %.4f%n", accuracy);
            assertTrue(accuracy > 0.7, "accuracy " + accuracy);
            List<Prediction<Label>> expected = model.predict(test);

            Path protoFile = Files.createTempFile("cnn", ".tribuo");
            Path javaFile = Files.createTempFile("cnn", ".ser");
            try {
                model.serializeToFile(protoFile);
                Model<?> fromProto = Model.deserializeFromFile(protoFile);
                assertSamePredictions(expected, fromProto.castModel(Label.class).predict(test));
                try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(javaFile))) {
                    out.writeObject(model);
                }
                try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(javaFile))) {
                    Model<?> fromJava = (Model<?>) in.readObject();
                    assertSamePredictions(expected, fromJava.castModel(Label.class).predict(test));
                }
            } finally {
                Files.deleteIfExists(protoFile);
                Files.deleteIfExists(javaFile);
            }
        }
    }

    private static void assertSamePredictions(List<Prediction<Label>> a, List<Prediction<Label>> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).getOutput().getLabel(), b.get(i).getOutput().getLabel());
            for (String label : a.get(i).getOutputScores().keySet()) {
                assertEquals(a.get(i).getOutputScores().get(label).getScore(), b.get(i).getOutputScores().get(label).getScore(), 0.0);
            }
        }
    }
}
