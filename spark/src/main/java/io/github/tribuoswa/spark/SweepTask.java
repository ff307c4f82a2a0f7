package io.github.tribuoswa.spark;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The main class of an executor's child JVM ({@link SweepJob#trainingInChildJvms}, {@link ChildJvms}): serves tasks one at a
 * time, each a line "INPUT\tOUTPUT" on its standard input: reads the job, the variation and the trace context from INPUT, runs
 * the variation, writes its result to OUTPUT, answers {@value ChildJvms#DONE} on its standard output (what the task prints
 * goes to standard error). A task that fails with the job's stop-on-error is answered as failed; an {@link Error} (an injected
 * fault, lost memory) ends the child with exit code 1, so no task runs in a JVM in that state. The child exits when its input
 * closes (its executor is gone).
 */
public final class SweepTask {

    /** The argument that starts a child serving tasks. */
    static final String SERVE = "--serve";

    private SweepTask() {}

    /**
     * Serves tasks until the standard input closes.
     * @param args {@value #SERVE}.
     * @throws Exception if the pipes fail.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1 || !args[0].equals(SERVE)) {
            System.err.println("usage: SweepTask " + SERVE + " (run by SweepJob, not by hand)");
            System.exit(2);
        }
        PrintStream replies = System.out;
        System.setOut(System.err);
        BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = requests.readLine()) != null; ) {
            String[] files = line.split("\t");
            try {
                run(Path.of(files[0]), Path.of(files[1]));
                replies.println(ChildJvms.DONE);
            } catch (Exception e) {
                replies.println(ChildJvms.FAILED + String.valueOf(e.getMessage()).replace('\n', ' '));
            } catch (Error e) {
                e.printStackTrace();
                System.exit(1);
            }
            replies.flush();
        }
        System.exit(0);
    }

    @SuppressWarnings("unchecked")
    private static void run(Path input, Path out) throws Exception {
        SweepJob job;
        SweepJob.Variation variation;
        Map<String, String> carrier;
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(input))) {
            job = (SweepJob) in.readObject();
            variation = (SweepJob.Variation) in.readObject();
            carrier = (Map<String, String>) in.readObject();
        }
        SweepJob.Result result = job.runOne(variation, carrier);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (ObjectOutputStream o = new ObjectOutputStream(Files.newOutputStream(tmp))) {
            o.writeObject(result);
        }
        Files.move(tmp, out);
    }
}
