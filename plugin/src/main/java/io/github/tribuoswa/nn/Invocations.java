package io.github.tribuoswa.nn;

import java.util.SplittableRandom;

/**
 * Tribuo's invocation-count contract for a trainer: each call of {@code train} is invocation
 * n = 0, 1, … and draws its run seed from the n-th split of a generator seeded with the
 * trainer's seed, so {@code setInvocationCount(n)} makes the next run the n-th exactly.
 * Not thread-safe: the trainer calls it while holding its lock.
 */
final class Invocations {

    private final long seed;
    private SplittableRandom rng;
    private int count;

    /**
     * One invocation: its index and the seed of its run.
     * @param index The invocation, from 0.
     * @param seed The run's seed.
     */
    record Invocation(int index, long seed) {
    }

    Invocations(long seed) {
        this.seed = seed;
        reset(0);
    }

    /**
     * The next invocation, or the given one.
     * @param requested {@code Trainer.INCREMENT_INVOCATION_COUNT} for the next, else the index.
     * @return The invocation.
     */
    Invocation next(int requested) {
        if (requested != org.tribuo.Trainer.INCREMENT_INVOCATION_COUNT) {
            reset(requested);
        }
        SplittableRandom local = rng.split();
        return new Invocation(count++, local.nextLong());
    }

    int count() {
        return count;
    }

    void reset(int invocationCount) {
        if (invocationCount < 0) {
            throw new IllegalArgumentException("invocationCount = " + invocationCount + " is out of range; allowed: integer >= 0");
        }
        rng = new SplittableRandom(seed);
        for (count = 0; count < invocationCount; count++) {
            rng.split();
        }
    }
}
