package io.github.tribuoswa.it;

import io.github.tribuoswa.storage.ModelFiles;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.sgd.linear.LogisticRegressionTrainer;

import java.nio.file.Path;

/**
 * The child JVM of {@link ModelSaveKillIT}: trains two different classifiers A and B, saves
 * each once as a reference ({@code A.model}, {@code B.model}), then saves A and B in turn over
 * one target file ({@code target.model}) until it is killed.
 * <p>
 * Usage: {@code SaveChild DIRECTORY FORMAT}.
 */
public final class SaveChild {

    private SaveChild() {}

    /**
     * Runs the child.
     * @param args The directory and PROTOBUF or JAVA.
     * @throws Exception if a save fails.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ModelFiles.Format format = ModelFiles.Format.valueOf(args[1]);
        MutableDataset<Label> data = ModelSaveKillIT.data();
        Model<Label> a = new LogisticRegressionTrainer().train(data);
        Model<Label> b = new LogisticRegressionTrainer().train(ModelSaveKillIT.shifted(data));
        ModelFiles.save(a, dir.resolve("A.model"), format);
        ModelFiles.save(b, dir.resolve("B.model"), format);
        for (long i = 0; ; i++) {
            ModelFiles.save(i % 2 == 0 ? a : b, dir.resolve("target.model"), format);
        }
    }
}
