package io.github.tribuoswa.examples;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code --name value} options of the example and benchmark programs: unknown options and
 * missing or malformed values fail with a message that names the option and shows the usage.
 */
public final class Options {

    private final Map<String, String> values;
    private final String usage;

    private Options(Map<String, String> values, String usage) {
        this.values = values;
        this.usage = usage;
    }

    /**
     * Reads {@code --name value} pairs.
     * @param args The command line.
     * @param usage The usage line shown with every error.
     * @param names The allowed option names, without the leading dashes.
     * @return The options.
     * @throws IllegalArgumentException for an unknown option or a missing value.
     */
    public static Options parse(String[] args, String usage, String... names) {
        List<String> allowed = List.of(names);
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !allowed.contains(name)) {
                throw new IllegalArgumentException("unknown option " + args[i] + "; usage: " + usage);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value; usage: " + usage);
            }
            values.put(name, args[i + 1]);
        }
        return new Options(values, usage);
    }

    /**
     * The body of a command-line program.
     */
    @FunctionalInterface
    public interface Program {
        /**
         * Runs the program.
         * @throws Exception if it fails.
         */
        void run() throws Exception;
    }

    /**
     * Runs a program's main method the way every example does: {@code --help} (or {@code -h})
     * prints the usage; an {@link IllegalArgumentException} (a bad option or value) is one line on
     * standard error and exit code 2, with no stack trace.
     * @param program The program's name, for the message.
     * @param args The command line.
     * @param usage The usage line.
     * @param body The program.
     * @throws Exception if the program fails otherwise.
     */
    public static void main(String program, String[] args, String usage, Program body) throws Exception {
        if (wantsHelp(args)) {
            System.out.println("usage: " + usage);
            return;
        }
        try {
            body.run();
        } catch (IllegalArgumentException e) {
            System.err.println(program + ": " + e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Whether the command line asks for help ({@code --help} or {@code -h} anywhere).
     * @param args The command line.
     * @return True to print the usage and stop.
     */
    public static boolean wantsHelp(String[] args) {
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Checks that a real option is finite and positive.
     * @param name The option.
     * @param value Its value.
     * @throws IllegalArgumentException naming the option and the allowed range otherwise.
     */
    public void requirePositive(String name, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("--" + name + " = " + value + " is out of range; allowed: a finite real > 0");
        }
    }

    /**
     * A text option.
     * @param name The option.
     * @param otherwise Its default.
     * @return The value.
     */
    public String get(String name, String otherwise) {
        return values.getOrDefault(name, otherwise);
    }

    private IllegalArgumentException malformed(String name, String kind) {
        return new IllegalArgumentException("--" + name + " = " + values.get(name) + " is not " + kind + "; usage: " + usage);
    }

    /**
     * An integer option.
     * @param name The option.
     * @param otherwise Its default.
     * @return The value.
     */
    public int getInt(String name, int otherwise) {
        try {
            return values.containsKey(name) ? Integer.parseInt(values.get(name)) : otherwise;
        } catch (NumberFormatException e) {
            throw malformed(name, "an integer");
        }
    }

    /**
     * A long option.
     * @param name The option.
     * @param otherwise Its default.
     * @return The value.
     */
    public long getLong(String name, long otherwise) {
        try {
            return values.containsKey(name) ? Long.parseLong(values.get(name)) : otherwise;
        } catch (NumberFormatException e) {
            throw malformed(name, "an integer");
        }
    }

    /**
     * A real option.
     * @param name The option.
     * @param otherwise Its default.
     * @return The value.
     */
    public double getDouble(String name, double otherwise) {
        try {
            return values.containsKey(name) ? Double.parseDouble(values.get(name)) : otherwise;
        } catch (NumberFormatException e) {
            throw malformed(name, "a number");
        }
    }
}
