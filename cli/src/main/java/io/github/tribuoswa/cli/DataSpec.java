package io.github.tribuoswa.cli;

import com.oracle.labs.mlrg.olcut.config.ConfigurationManager;
import io.github.tribuoswa.data.FashionMnist;
import org.tribuo.DataSource;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.classification.LabelFactory;
import org.tribuo.data.csv.CSVLoader;
import org.tribuo.datasource.IDXDataSource;
import org.tribuo.datasource.LibSVMDataSource;
import org.tribuo.regression.RegressionFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the command reads a data set from, written as one option value:
 * <ul>
 *   <li>{@code embedded}, {@code full} or {@code fashion-mnist:DIR}: Fashion-MNIST (the embedded
 *   subset, Debian's {@code dataset-fashion-mnist}, or the IDX files of DIR); its training or test
 *   split, as the option asks;</li>
 *   <li>{@code idx:FEATURES,LABELS}: any pair of IDX files (Tribuo's {@code IDXDataSource});</li>
 *   <li>{@code libsvm:FILE}: a LibSVM file (Tribuo's {@code LibSVMDataSource});</li>
 *   <li>{@code csv:FILE:COLUMN}: a CSV file with a header, COLUMN the label or the regression
 *   target (Tribuo's {@code CSVLoader}; every other column a feature);</li>
 *   <li>{@code config:NAME}: the Tribuo {@code DataSource} component NAME of the command's
 *   configuration file (a {@code CSVDataSource} with its {@code RowProcessor}, say), whose own
 *   output factory decides the output type.</li>
 * </ul>
 * IDX, LibSVM and CSV files are read as {@link Outputs#LABEL} or {@link Outputs#REGRESSION}
 * outputs, as the command says.
 * @param kind The kind.
 * @param first The first path (or the Fashion-MNIST location).
 * @param second The second part (the labels file, the CSV column), or null.
 */
record DataSpec(String kind, String first, String second) {

    /** The forms an option value may take, for error messages. */
    static final String ALLOWED = "embedded, full, fashion-mnist:DIR, idx:FEATURES,LABELS, libsvm:FILE, csv:FILE:COLUMN or config:NAME";

    /**
     * The output type of files that do not say it themselves.
     */
    enum Outputs {
        /** Classification: Tribuo's {@code Label}. */
        LABEL,
        /** Regression: Tribuo's {@code Regressor}. */
        REGRESSION;

        OutputFactory<?> factory() {
            return this == LABEL ? new LabelFactory() : new RegressionFactory();
        }
    }

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
            case "config":
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
     * @param outputs The output type of IDX, LibSVM and CSV files.
     * @param config The configuration ({@code config:NAME}), or null when the command has none.
     * @return The examples.
     * @throws IOException if a file cannot be read.
     * @throws IllegalArgumentException naming the option if a file or component is missing or of the wrong kind.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    MutableDataset<? extends Output<?>> load(String option, FashionMnist.Split split, Outputs outputs, ConfigurationManager config)
            throws IOException {
        OutputFactory factory = outputs.factory();
        switch (kind) {
            case "fashion-mnist":
                if (outputs != Outputs.LABEL) {
                    throw new IllegalArgumentException(option + " = " + first + " is Fashion-MNIST, which has labels; allowed: --outputs LABEL");
                }
                return FashionMnist.load(FashionMnist.resolve(first), split);
            case "idx":
                return new MutableDataset<>(new IDXDataSource<>(existing(option, first), existing(option, second), factory));
            case "libsvm":
                return new MutableDataset<>(new LibSVMDataSource<>(existing(option, first), factory));
            case "csv":
                return new MutableDataset<>(new CSVLoader<>(factory).loadDataSource(existing(option, first), second));
            case "config": {
                if (config == null) {
                    throw new IllegalArgumentException(option + " = config:" + first + " needs --config, the file that defines " + first);
                }
                if (!config.getComponentNames().contains(first)) {
                    throw new IllegalArgumentException(option + " = config:" + first + " is out of range; allowed: a DataSource component of "
                            + "the configuration (" + String.join(", ", config.getComponentNames()) + ")");
                }
                Object source = config.lookup(first);
                if (!(source instanceof DataSource)) {
                    throw new IllegalArgumentException(option + " = config:" + first + " is a " + source.getClass().getName()
                            + ", not a Tribuo DataSource");
                }
                try {
                    return new MutableDataset<>((DataSource) source);
                } catch (RuntimeException e) {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        if (t instanceof java.nio.file.NoSuchFileException) {
                            throw new IllegalArgumentException(option + " = config:" + first + " reads " + t.getMessage()
                                    + ", which is not a readable file (is the configuration's data property right? --set NAME=VALUE)", e);
                        }
                    }
                    throw e;
                }
            }
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
