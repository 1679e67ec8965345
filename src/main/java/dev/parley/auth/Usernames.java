package dev.parley.auth;

import dev.parley.config.ParleyConfig;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import jakarta.inject.Singleton;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The rules a new username must pass (SPEC §1 and conventions), checked before any password is hashed: the pattern
 * {@code ^[A-Za-z0-9_.-]{3,32}$}, no character that could disguise it (controls, bidi overrides, zero-width and other
 * invisible format characters are outside the pattern's ASCII; they are named in the refusal so the check cannot
 * silently loosen), and none of the reserved names in any case: the assistant's, {@code system}, and every
 * {@code ADMIN_USERS} name.
 */
@Singleton
public class Usernames {
    private static final Pattern PATTERN = Pattern.compile("^[A-Za-z0-9_.-]{3,32}$");
    private final Set<String> reserved;

    Usernames(ParleyConfig config, @ConfigProperty(name = "parley.llm.assistant-name", defaultValue = "assistant") String assistantName) {
        Set<String> names = new HashSet<>();
        names.add(key(assistantName));
        names.add("system");
        for (String admin : config.auth().admins().orElse(List.of())) {
            names.add(key(admin.trim()));
        }
        this.reserved = Set.copyOf(names);
    }

    /** The form under which names are unique: {@code Alice} and {@code alice} are the same account. */
    public static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    /** Whether the text has the shape of a username (nothing else: reserved names pass). */
    public static boolean isValid(String username) {
        return username != null && PATTERN.matcher(username).matches();
    }

    /** Refuses, with {@code bad_request}, a name that may not be registered through the API. */
    public void requireRegistrable(String username) {
        if (username == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "username is required");
        }
        if (username.codePoints().anyMatch(Usernames::disguising)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "username must not contain control, bidirectional or invisible characters");
        }
        if (!isValid(username)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "username must be 3-32 of A-Z a-z 0-9 _ . -");
        }
        if (reserved.contains(key(username))) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "this username is reserved");
        }
    }

    /** Controls, bidi overrides/isolates/marks, zero-width and other invisible format characters. */
    static boolean disguising(int cp) {
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0;
    }
}
