package dev.parley.auth;

import java.util.regex.Pattern;

/** SPEC's username rule: 3 to 32 of A-Z a-z 0-9 _ . - (so no control, bidi or zero-width characters either). */
public final class Usernames {
    private static final Pattern USER = Pattern.compile("^[A-Za-z0-9_.-]{3,32}$");

    private Usernames() {
    }

    public static boolean isUsername(String name) {
        return name != null && USER.matcher(name).matches();
    }
}
