package io.github.tribuoswa.data;

import java.util.Arrays;
import java.util.Comparator;

/**
 * A seeded assignment of n rows to k cross-validation folds that any language reproduces
 * exactly (the PyTorch side of the tabular comparison computes the same folds): row i gets the
 * key splitmix64(seed &middot; 0x9E3779B97F4A7C15 + i) (arithmetic mod 2^64), the rows are
 * sorted by key as unsigned numbers (ties by index), and the row at rank r goes to fold
 * r mod k, so the folds' sizes differ by at most one.
 */
public final class Folds {

    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Folds() {}

    /**
     * Steele, Lea and Flood's splitmix64 finaliser of z + golden gamma.
     * @param z The input.
     * @return The mixed value.
     */
    public static long splitmix64(long z) {
        z += GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The fold of each row.
     * @param n The rows (&ge; k).
     * @param k The folds (&ge; 2).
     * @param seed The seed.
     * @return fold[i] in [0, k).
     */
    public static int[] assign(int n, int k, long seed) {
        if (k < 2 || n < k) {
            throw new IllegalArgumentException("k = " + k + " folds of n = " + n + " rows is out of range; allowed: 2 <= k <= n");
        }
        long[] key = new long[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            key[i] = splitmix64(seed * GOLDEN + i);
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> key[i] ^ Long.MIN_VALUE).thenComparingInt(i -> i));
        int[] fold = new int[n];
        for (int r = 0; r < n; r++) {
            fold[order[r]] = r % k;
        }
        return fold;
    }
}
