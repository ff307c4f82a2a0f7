package io.github.tribuoswa.util;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Consecutive batches of an iterable, read as they are needed: how the models predict a stream
 * of examples of any length a batch at a time, holding one batch's inputs, not the whole input.
 */
public final class Batches {

    private Batches() {}

    /**
     * The elements in lists of {@code size} (the last may be shorter), in order.
     * @param elements The elements, iterated once.
     * @param size The batch size (&ge; 1).
     * @param <E> The element type.
     * @return The batches.
     */
    public static <E> Iterable<List<E>> of(Iterable<E> elements, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size = " + size + " is out of range; allowed: integer >= 1");
        }
        return () -> new Iterator<>() {
            private final Iterator<E> it = elements.iterator();

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public List<E> next() {
                if (!it.hasNext()) {
                    throw new NoSuchElementException();
                }
                List<E> batch = new ArrayList<>(size);
                while (batch.size() < size && it.hasNext()) {
                    batch.add(it.next());
                }
                return batch;
            }
        };
    }
}
