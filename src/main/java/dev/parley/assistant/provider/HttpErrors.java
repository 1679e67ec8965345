package dev.parley.assistant.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Turns a provider's HTTP error answer into a classified {@link ProviderException}. */
final class HttpErrors {
    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpErrors() {
    }

    /** The generic classification by status; providers refine it with their documented error types first. */
    static ProviderException byStatus(String provider, int status, String detail, Duration retryAfter) {
        String message = provider + " answered HTTP " + status + (detail == null || detail.isBlank() ? "" : ": " + detail);
        if (status == 429) {
            return new ProviderException(ProviderException.Kind.RATE_LIMITED, message, retryAfter);
        }
        if (status == 401 || status == 403) {
            return new ProviderException(ProviderException.Kind.AUTH, message);
        }
        if (status == 402) {
            return new ProviderException(ProviderException.Kind.SPEND_LIMIT, message);
        }
        if (status >= 500) {
            return new ProviderException(ProviderException.Kind.SERVER, message, retryAfter);
        }
        return new ProviderException(ProviderException.Kind.REJECTED, message);
    }

    /** Reads a {@code retry-after} (seconds or HTTP date) or {@code retry-after-ms} header; null when absent. */
    static Duration retryAfter(StreamingHttp.Response response) {
        String ms = response.header("retry-after-ms");
        if (ms != null) {
            try {
                return Duration.ofMillis((long) Double.parseDouble(ms.trim()));
            } catch (NumberFormatException ignored) {
                // fall through to retry-after
            }
        }
        String value = response.header("retry-after");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Duration.ofMillis((long) (Double.parseDouble(value.trim()) * 1000));
        } catch (NumberFormatException e) {
            try {
                Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException unparsable) {
                return null;
            }
        }
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    static boolean mentionsSpendLimit(String text) {
        String t = text == null ? "" : text.toLowerCase(Locale.ROOT);
        return t.contains("credit balance") || t.contains("spend limit") || t.contains("spending limit")
                || t.contains("insufficient_quota") || t.contains("exceeded your current quota") || t.contains("billing");
    }

    static String abbreviate(String s) {
        String t = s == null ? "" : s.strip();
        return t.length() <= 300 ? t : t.substring(0, 300) + "…";
    }
}
