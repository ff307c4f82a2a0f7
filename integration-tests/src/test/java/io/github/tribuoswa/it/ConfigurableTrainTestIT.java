package io.github.tribuoswa.it;

import io.github.tribuoswa.data.FashionMnist;
import org.junit.jupiter.api.Test;
import org.tribuo.Model;
import org.tribuo.classification.Label;
import org.tribuo.classification.experiments.ConfigurableTrainTest;

import java.io.ObjectInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the exact commands of {@code docs/tribuo-sgd.md}: export the embedded Fashion-MNIST
 * subset as LibSVM, then train and test the SWA configuration with Tribuo's own
 * {@link ConfigurableTrainTest}. Failsafe runs this from the repository root, as the commands
 * are run.
 */
public class ConfigurableTrainTestIT {

    static final String EXPORT_ARGS = "target/fmnist-libsvm embedded";
    static final String TRAIN_TEST_ARGS = "-c configs/logistic-swa.xml -t trainer -s LIBSVM"
            + " -u target/fmnist-libsvm/train.libsvm -v target/fmnist-libsvm/test.libsvm"
            + " -f target/logistic-swa.model -o target/logistic-swa-predictions.csv";

    @Test
    public void documentedCommandTrainsTheSwaConfiguration() throws Exception {
        String doc = Files.readString(Path.of("docs", "tribuo-sgd.md"));
        assertTrue(doc.contains("-Dexec.mainClass=io.github.tribuoswa.data.FashionMnist -Dexec.args=\"" + EXPORT_ARGS + "\""),
                "docs/tribuo-sgd.md must show the export command used here");
        assertTrue(doc.contains("-Dexec.mainClass=org.tribuo.classification.experiments.ConfigurableTrainTest -Dexec.args=\"" + TRAIN_TEST_ARGS + "\""),
                "docs/tribuo-sgd.md must show the ConfigurableTrainTest command used here");

        Path model = Path.of("target", "logistic-swa.model");
        Path predictions = Path.of("target", "logistic-swa-predictions.csv");
        Files.deleteIfExists(model);
        Files.deleteIfExists(predictions);

        FashionMnist.main(EXPORT_ARGS.split(" "));
        ConfigurableTrainTest.main(TRAIN_TEST_ARGS.split(" "));

        assertTrue(Files.exists(model), "the model was written");
        Model<?> loaded;
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(model))) {
            loaded = (Model<?>) in.readObject();
        }
        assertTrue(loaded.validate(Label.class));
        String provenance = loaded.getProvenance().toString();
        assertTrue(provenance.contains("io.github.tribuoswa.sgd.SWAOptimiser"), provenance);
        assertTrue(provenance.contains("phaseStart"), provenance);

        List<String> rows = Files.readAllLines(predictions);
        assertEquals(1001, rows.size(), "header and 1,000 test predictions");
        String[] header = rows.get(0).split(",");
        int correct = 0;
        for (String row : rows.subList(1, rows.size())) {
            String[] cells = row.split(",");
            int best = 1;
            for (int j = 2; j < cells.length; j++) {
                if (Double.parseDouble(cells[j]) > Double.parseDouble(cells[best])) {
                    best = j;
                }
            }
            if (header[best].equals(cells[0])) {
                correct++;
            }
        }
        double accuracy = correct / 1000.0;
        System.out.println("ConfigurableTrainTest SWA logistic regression accuracy on the embedded test split: " + accuracy);
        assertTrue(accuracy > 0.78, "accuracy " + accuracy);
    }
}
