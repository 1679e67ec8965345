package dev.parley.message;

import dev.parley.protocol.MessageKind;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

/** Stores a {@link MessageKind} as its wire name ({@code user}, {@code assistant}, {@code system}). */
@Converter(autoApply = true)
public class MessageKindColumn implements AttributeConverter<MessageKind, String> {
    @Override
    public String convertToDatabaseColumn(MessageKind kind) {
        return kind == null ? null : kind.wire();
    }

    @Override
    public MessageKind convertToEntityAttribute(String column) {
        return column == null ? null : MessageKind.of(column);
    }
}
