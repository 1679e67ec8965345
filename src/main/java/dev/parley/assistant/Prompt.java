package dev.parley.assistant;

/**
 * What a turn asks the model, read when its question is admitted: the system prompt naming the room and its members as
 * they were then, the context up to the question, and the cache key of the whole request.
 */
record Prompt(String system, ContextBuilder.Context context, String cacheKey) {
}
