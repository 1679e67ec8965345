package dev.parley.web;

import dev.parley.protocol.ErrorCode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** The body of every REST error: a human message and a machine code. */
@RegisterForReflection
public record ApiError(String error, ErrorCode code) {
}
