package io.github.tribuoswa.spark;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The child JVMs an executor trains its tasks in ({@link SweepJob#trainingInChildJvms}): one per
 * task slot, started on first use and kept for the executor's next tasks, so a task pays a JVM
 * start, the engine's loading and the data's reading once per slot, not once per task. A child
 * serves one task at a time ({@link SweepTask}); one that dies (a crash, lost memory, an
 * injected fault) is dropped and its task fails, which Spark retries in a new child. Children
 * end with their executor: they exit when their standard input closes, and a shutdown hook
 * stops the idle ones.
 */
final class ChildJvms {

    /** The line a child writes when a task's result is written. */
    static final String DONE = "tribuoswa-sweep-task-done";

    /** The line prefix a child writes when a task failed with the job's stop-on-error. */
    static final String FAILED = "tribuoswa-sweep-task-failed\t";

    private static final Deque<Child> IDLE = new ArrayDeque<>();
    private static final List<Child> ALL = new ArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            synchronized (ChildJvms.class) {
                ALL.forEach(c -> c.process.destroy());
            }
        }, "tribuoswa-child-jvms"));
    }

    private ChildJvms() {}

    /** A child JVM serving tasks through its standard input and output. */
    static final class Child {
        private final Process process;
        private final String classPath;
        private final BufferedWriter requests;
        private final BufferedReader replies;

        private Child(Process process, String classPath) {
            this.process = process;
            this.classPath = classPath;
            this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /**
         * Runs one task: the child reads the job from {@code in} and writes the result to {@code out}.
         * @param in The task file.
         * @param out The result file.
         * @param name The variation (for messages).
         * @return Null when the result is written; the error of a task that failed with the job's stop-on-error.
         * @throws IOException if the pipes fail.
         * @throws InterruptedException if interrupted while a lost child ends.
         * @throws SweepJob.ChildLost if the child dies before it answers.
         */
        String run(Path in, Path out, String name) throws IOException, InterruptedException {
            try {
                requests.write(in + "\t" + out);
                requests.newLine();
                requests.flush();
            } catch (IOException e) {
                throw lost(name);
            }
            for (String line; (line = replies.readLine()) != null; ) {
                if (line.equals(DONE)) {
                    return null;
                }
                if (line.startsWith(FAILED)) {
                    return line.substring(FAILED.length());
                }
                System.out.println(line); // what the task printed itself
            }
            throw lost(name);
        }

        private SweepJob.ChildLost lost(String name) throws InterruptedException {
            process.waitFor();
            return new SweepJob.ChildLost("the child JVM of variation " + name + " ended with exit code " + process.exitValue());
        }
    }

    /**
     * An idle child with this class path, or a new one.
     * @param java The java executable.
     * @param classPath The child's class path.
     * @return A child, now busy.
     * @throws IOException if a child cannot start.
     */
    static Child acquire(Path java, String classPath) throws IOException {
        synchronized (ChildJvms.class) {
            for (var it = IDLE.iterator(); it.hasNext(); ) {
                Child c = it.next();
                if (!c.process.isAlive()) {
                    it.remove();
                    ALL.remove(c);
                } else if (c.classPath.equals(classPath)) {
                    it.remove();
                    return c;
                }
            }
        }
        Process p = new ProcessBuilder(java.toString(), "-cp", classPath, SweepTask.class.getName(), SweepTask.SERVE)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Child c = new Child(p, classPath);
        synchronized (ChildJvms.class) {
            ALL.add(c);
        }
        return c;
    }

    /**
     * Gives a child back for the next task (a dead one is dropped).
     * @param child The child.
     */
    static synchronized void release(Child child) {
        if (child.process.isAlive()) {
            IDLE.push(child);
        } else {
            ALL.remove(child);
        }
    }

    /**
     * Stops a child (after a task it did not finish cleanly).
     * @param child The child.
     */
    static synchronized void discard(Child child) {
        child.process.destroyForcibly();
        IDLE.remove(child);
        ALL.remove(child);
    }

    /**
     * Stops the idle children (the benchmark's rounds each start their own, as one job does).
     */
    static synchronized void stopIdle() {
        for (Child c : IDLE) {
            c.process.destroy();
            ALL.remove(c);
        }
        IDLE.clear();
    }

    /**
     * The children alive in this JVM (busy or idle).
     * @return The count.
     */
    static synchronized int alive() {
        return (int) ALL.stream().filter(c -> c.process.isAlive()).count();
    }
}
