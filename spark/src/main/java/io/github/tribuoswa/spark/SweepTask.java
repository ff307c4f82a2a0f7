package io.github.tribuoswa.spark;

import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The main class of a sweep task's child JVM ({@link SweepJob#trainingInChildJvms}): reads the
 * job, the variation and the trace context, runs the variation, writes its result; exit code 0
 * with a result, anything else when the child dies (a crash, an injected fault).
 */
public final class SweepTask {

    private SweepTask() {}

    /**
     * Runs one task.
     * @param args The input file and the output file.
     * @throws Exception if the files cannot be read or written.
     */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SweepTask INPUT OUTPUT (run by SweepJob, not by hand)");
            System.exit(2);
        }
        SweepJob job;
        SweepJob.Variation variation;
        Map<String, String> carrier;
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(Path.of(args[0])))) {
            job = (SweepJob) in.readObject();
            variation = (SweepJob.Variation) in.readObject();
            carrier = (Map<String, String>) in.readObject();
        }
        SweepJob.Result result = job.runOne(variation, carrier);
        Path out = Path.of(args[1]);
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (ObjectOutputStream o = new ObjectOutputStream(Files.newOutputStream(tmp))) {
            o.writeObject(result);
        }
        Files.move(tmp, out);
        System.exit(0);
    }
}
