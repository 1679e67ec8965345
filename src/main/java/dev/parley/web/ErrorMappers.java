package dev.parley.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps failures to SPEC's REST error shape {@code {"error","code"}} with a fitting status. */
public class ErrorMappers {
    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    public static int status(ErrorCode code) {
        return switch (code) {
            case BAD_REQUEST, UNKNOWN_TYPE -> 400;
            case UNAUTHORIZED -> 401;
            case FORBIDDEN -> 403;
            case NOT_FOUND, NOT_JOINED -> 404;
            case CONFLICT -> 409;
            case TOO_LARGE -> 413;
            case RATE_LIMITED -> 429;
            case BUSY, LLM_UNAVAILABLE -> 503;
            case LLM_ERROR -> 502;
            case CANCELLED -> 409;
            case INTERNAL -> 500;
        };
    }

    public static Response error(ErrorCode code, String message) {
        return Response.status(status(code)).type(MediaType.APPLICATION_JSON).entity(new ApiError(message, code)).build();
    }

    @ServerExceptionMapper
    public Response protocol(ProtocolException e) {
        Response.ResponseBuilder r = Response.status(status(e.code())).type(MediaType.APPLICATION_JSON)
                .entity(new ApiError(e.getMessage(), e.code()));
        if (e.retryAfterMs() != null) {
            r.header("Retry-After", Math.max(1, (e.retryAfterMs() + 999) / 1000));
        }
        return r.build();
    }

    @ServerExceptionMapper({UnauthorizedException.class, AuthenticationFailedException.class})
    public Response unauthorized(RuntimeException e) {
        return error(ErrorCode.UNAUTHORIZED, "authentication required: send Authorization: Bearer <token>");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e) {
        return error(ErrorCode.FORBIDDEN, "forbidden");
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        return error(ErrorCode.BAD_REQUEST, "request body is not valid JSON of the expected shape");
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return error(ErrorCode.NOT_FOUND, "not found");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        ErrorCode code = status == 400 ? ErrorCode.BAD_REQUEST : status == 404 ? ErrorCode.NOT_FOUND
                : status == 401 ? ErrorCode.UNAUTHORIZED : status == 403 ? ErrorCode.FORBIDDEN
                : status == 413 ? ErrorCode.TOO_LARGE : status < 500 ? ErrorCode.BAD_REQUEST : ErrorCode.INTERNAL;
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(e.getMessage(), code)).build();
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e) {
        LOG.error("unexpected failure", e);
        return error(ErrorCode.INTERNAL, "internal error");
    }
}
