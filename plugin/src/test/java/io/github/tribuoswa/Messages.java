package io.github.tribuoswa;

/**
 * The messages of an exception and all its causes, for tests that look for a phrase wherever
 * a wrapping layer (Tribuo's deserialization, a trainer) put it.
 */
public final class Messages {

    private Messages() {}

    /**
     * The messages of an exception and its causes.
     * @param t The exception.
     * @return Its message, then each cause's, separated by " | ".
     */
    public static String chain(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            sb.append(t.getMessage()).append(" | ");
        }
        return sb.toString();
    }
}
