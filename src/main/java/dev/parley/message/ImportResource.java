package dev.parley.message;

import dev.parley.auth.Caller;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.ProtocolException;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.RunOnVirtualThread;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code POST /api/rooms/{room}/import?format=jsonl}: a transcript in the export's JSONL format into an empty room
 * the caller owns (see {@link TranscriptImport}). Answers {@code {"room","imported","lastSeq"}}.
 */
@Path("/api/rooms/{room}/import")
@Authenticated
@RunOnVirtualThread
public class ImportResource {
    private final TranscriptImport transcripts;
    private final SecurityIdentity identity;

    ImportResource(TranscriptImport transcripts, SecurityIdentity identity) {
        this.transcripts = transcripts;
        this.identity = identity;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public TranscriptImport.Result importTranscript(@PathParam("room") String room, @QueryParam("format") String format,
            String body) {
        if (format != null && !format.equals("jsonl")) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "format must be jsonl");
        }
        return transcripts.importJsonl(room, Caller.of(identity), body);
    }
}
