package io.github.tribuoswa.cli;

import io.github.tribuoswa.data.FashionMnist;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.datasource.IDXDataSource;
import org.tribuo.datasource.LibSVMDataSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the command reads a labelled data set from, written as one option value:
 * <ul>
 *   <li>{@code embedded}, {@code full} or {@code fashion-mnist:DIR}: Fashion-MNIST (the embedded
 *   subset, Debian's {@code dataset-fashion-mnist}, or the IDX files of DIR); its training or test
 *   split, as the option asks;</li>
 *   <li>{@code idx:FEATURES,LABELS}: any pair of IDX files (Tribuo's {@code IDXDataSource});</li>
 *   <li>{@code libsvm:FILE}: a LibSVM file (Tribuo's {@code LibSVMDataSource});</li>
 *   <li>{@code csv:FILE:COLUMN}: a CSV file with a header, COLUMN the label (Tribuo's
 *   {@code CSVLoader}; every other column a feature).</li>
 * </ul>
 * @param kind The kind.
 * @param first The first path (or the Fashion-MNIST location).
 * @param second The second part (the labels file, the CSV column), or null.
 */
record DataSpec(String kind, String first, String second) {

    /** The forms an option value may take, for error messages. */
    static final String ALLOWED = "embedded, full, fashion-mnist:DIR, idx:FEATURES,LABELS, libsvm:FILE or csv:FILE:COLUMN";

    /**
     * Parses an option value.
     * @param option The option's name, for the message.
     * @param value The value.
     * @return The spec.
     * @throws IllegalArgumentException naming the option and the allowed forms.
     */
    static DataSpec parse(String option, String value) {
        if (value.equals(FashionMnist.EMBEDDED) || value.equals(FashionMnist.FULL)) {
            return new DataSpec("fashion-mnist", value, null);
        }
        int colon = value.indexOf(':');
        String kind = colon < 0 ? "" : value.substring(0, colon);
        String rest = colon < 0 ? "" : value.substring(colon + 1);
        switch (kind) {
            case "fashion-mnist":
            case "libsvm":
                if (!rest.isEmpty()) {
                    return new DataSpec(kind, rest, null);
                }
                break;
            case "idx": {
                int comma = rest.indexOf(',');
                if (comma > 0 && comma < rest.length() - 1) {
                    return new DataSpec(kind, rest.substring(0, comma), rest.substring(comma + 1));
                }
                break;
            }
            case "csv": {
                int last = rest.lastIndexOf(':');
                if (last > 0 && last < rest.length() - 1) {
                    return new DataSpec(kind, rest.substring(0, last), rest.substring(last + 1));
                }
                break;
            }
            default:
                break;
        }
        throw new IllegalArgumentException(option + " = " + value + " is out of range; allowed: " + ALLOWED);
    }

    /**
     * Reads the data set.
     * @param option The option it came from, for the messages.
     * @param split For Fashion-MNIST: which split.
     * @return The examples.
     * @throws IOException if a file cannot be read.
     * @throws IllegalArgumentException naming the option if a file is missing.
     */
    MutableDataset<Label> load(String option, FashionMnist.Split split) throws IOException {
        LabelFactory labels = new LabelFactory();
        switch (kind) {
            case "fashion-mnist":
                return FashionMnist.load(FashionMnist.resolve(first), split);
            case "idx":
                return new MutableDataset<>(new IDXDataSource<>(existing(option, first), existing(option, second), labels));
            case "libsvm":
                return new MutableDataset<>(new LibSVMDataSource<>(existing(option, first), labels));
            case "csv":
                return new MutableDataset<>(new CSVLoader<>(labels).loadDataSource(existing(option, first), second));
            default:
                throw new IllegalStateException("unknown kind " + kind);
        }
    }

    private static Path existing(String option, String file) {
        return requireFile(option, Path.of(file));
    }

    /**
     * The file an option names, if it is a readable file.
     * @param option The option, for the message.
     * @param file The file.
     * @return The file.
     * @throws IllegalArgumentException naming the option and the file otherwise.
     */
    static Path requireFile(String option, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(option + " = " + file + " is not a readable file");
        }
        return file;
    }
}
