package io.github.tribuoswa.schedule;

/**
 * The cycle arithmetic shared by every cyclic schedule (Izmailov et al. 2018, eq. 2;
 * Garipov et al. 2018, §3.2). Iterations are counted from 1 within a phase; a cycle has
 * length c &ge; 1.
 */
final class Cycles {

    private Cycles() {}

    /**
     * The position in the cycle, t(i) = (mod(i &minus; 1, c) + 1) / c, in (0, 1]; it is 1 exactly at
     * the end of each cycle.
     * @param i The iteration in the phase (&ge; 1).
     * @param c The cycle length.
     * @return t(i).
     */
    static double position(long i, long c) {
        return (double) (Math.floorMod(i - 1, c) + 1) / c;
    }

    /**
     * Whether iteration i ends a cycle: mod(i, c) = 0.
     * @param i The iteration in the phase (&ge; 1).
     * @param c The cycle length.
     * @return True at a cycle end.
     */
    static boolean isEnd(long i, long c) {
        return i >= 1 && Math.floorMod(i, c) == 0;
    }

    /**
     * Whether iteration i is the mid-point of a cycle: c even and mod(i, c) = c/2.
     * Cycles of odd length have no iteration at their mid-point.
     * @param i The iteration in the phase (&ge; 1).
     * @param c The cycle length.
     * @return True at a cycle's mid-point.
     */
    static boolean isMidpoint(long i, long c) {
        return i >= 1 && c % 2 == 0 && Math.floorMod(i, c) == c / 2;
    }

    /**
     * Rejects iterations below 1.
     * @param i The iteration.
     * @return i.
     */
    static long checkIteration(long i) {
        if (i < 1) {
            throw new IllegalArgumentException("iteration = " + i
                    + " is out of range; allowed: integer >= 1 (iterations count optimiser steps from 1)");
        }
        return i;
    }
}
