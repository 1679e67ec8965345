package dev.parley.assistant.provider;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Turns a provider's HTTP error answer into a classified {@link ProviderException}. The message people see is
 * written here from the status and the kind; the provider's body goes to the detail (the log) only.
 */
final class HttpErrors {

    private HttpErrors() {
    }

    /** The generic classification by status; providers refine it with their documented error types first. */
    static ProviderException byStatus(String provider, int status, String detail, Duration retryAfter) {
        ProviderException.Kind kind;
        if (status == 429) {
            kind = ProviderException.Kind.RATE_LIMITED;
        } else if (status == 401 || status == 403) {
            kind = ProviderException.Kind.AUTH;
        } else if (status == 402) {
            kind = ProviderException.Kind.SPEND_LIMIT;
        } else if (status >= 500) {
            kind = ProviderException.Kind.SERVER;
        } else {
            kind = ProviderException.Kind.REJECTED;
        }
        return of(provider, kind, status, detail, retryAfter);
    }

    /** A failure of {@code kind} with Parley's short explanation; {@code status} 0 when it came inside a stream. */
    static ProviderException of(String provider, ProviderException.Kind kind, int status, String detail, Duration retryAfter) {
        String what = switch (kind) {
            case RATE_LIMITED -> "rate limited";
            case AUTH -> "the API key was refused";
            case SPEND_LIMIT -> "the account's quota or spend limit is reached";
            case SERVER -> status == 0 ? "failed while answering" : "server error";
            case REJECTED -> status == 404 ? "unknown model or address" : "the request was refused";
            case PROTOCOL -> "unexpected answer";
            default -> "failed";
        };
        String message = provider + ": " + what + (status > 0 ? " (HTTP " + status + ")" : "");
        return new ProviderException(kind, message, detail == null ? null : abbreviate(detail), retryAfter);
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
