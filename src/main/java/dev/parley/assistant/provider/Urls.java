package dev.parley.assistant.provider;

/** Small helpers for configured base URLs. */
final class Urls {
    private Urls() {
    }

    /** The URL without trailing slashes, so {@code base + "/path"} is well formed. */
    static String trim(String base) {
        String b = base.strip();
        while (b.endsWith("/")) {
            b = b.substring(0, b.length() - 1);
        }
        return b;
    }
}
