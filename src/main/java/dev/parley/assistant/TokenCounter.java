package dev.parley.assistant;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import jakarta.inject.Singleton;

/**
 * Token counts for trimming the context: a real BPE count with OpenAI's cl100k_base vocabulary (jtokkit). Other
 * providers' tokenizers differ by a few percent; the budget is an estimate for them, exact for OpenAI models.
 */
@Singleton
public class TokenCounter {
    /** Tokens a chat format spends around each message (role markers). */
    static final int PER_MESSAGE = 4;
    private final Encoding encoding = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);

    public int count(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokens(text);
    }

    /** The tokens one message costs in a chat request. */
    public int message(String text) {
        return count(text) + PER_MESSAGE;
    }
}
