package dev.parley.bench.peer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class PeerTokensTest {
    private final PeerTokens tokens = new PeerTokens("secret");

    @Test
    void aMintedTokenNamesItsUser() {
        assertEquals(Optional.of("alice"), tokens.verify(tokens.mint("alice")));
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        assertTrue(new PeerTokens("other").verify(tokens.mint("alice")).isEmpty());
    }

    @Test
    void aTokenWhoseUserWasSwappedIsRefused() {
        String alice = tokens.mint("alice");
        String bob = tokens.mint("bob");
        String forged = bob.substring(0, bob.indexOf('.')) + alice.substring(alice.indexOf('.'));
        assertTrue(tokens.verify(forged).isEmpty());
    }

    @Test
    void malformedTokensAreRefused() {
        assertTrue(tokens.verify(null).isEmpty());
        assertTrue(tokens.verify("no-dot").isEmpty());
        assertTrue(tokens.verify(".sig").isEmpty());
        assertTrue(tokens.verify("a.%%%").isEmpty());
    }
}
