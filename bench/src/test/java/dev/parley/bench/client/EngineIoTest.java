package dev.parley.bench.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class EngineIoTest {
    @Test
    void openPacketCarriesTheHandshake() {
        var open = assertInstanceOf(EngineIo.Open.class,
                EngineIo.decode("0{\"sid\":\"abc\",\"pingInterval\":25000,\"pingTimeout\":20000}"));
        assertEquals(25000, open.handshake().getInteger("pingInterval"));
    }

    @Test
    void serverPingIsRecognisedAndAnsweredWithPong() {
        assertInstanceOf(EngineIo.Ping.class, EngineIo.decode("2"));
        assertEquals("3", EngineIo.pong());
    }

    @Test
    void connectAndConnectErrorAreTold() {
        assertEquals("x", assertInstanceOf(EngineIo.Connected.class, EngineIo.decode("40{\"sid\":\"x\"}")).data()
                .getString("sid"));
        assertEquals("unauthorized", assertInstanceOf(EngineIo.ConnectError.class,
                EngineIo.decode("44{\"message\":\"unauthorized\"}")).data().getString("message"));
    }

    @Test
    void eventWithoutAckIdHasMinusOne() {
        var event = assertInstanceOf(EngineIo.Event.class, EngineIo.decode("42[\"message\",{\"id\":\"s1.7\"}]"));
        assertEquals(-1, event.ackId());
        assertEquals("s1.7", event.args().getJsonObject(1).getString("id"));
    }

    @Test
    void ackCarriesItsIdAndArguments() {
        var ack = assertInstanceOf(EngineIo.Ack.class, EngineIo.decode("4312[{\"room\":\"r\",\"id\":\"a\"}]"));
        assertEquals(12, ack.ackId());
        assertEquals("a", ack.args().getJsonObject(0).getString("id"));
    }

    @Test
    void clientPacketsAreFramedAsSocketIoExpects() {
        assertEquals("40{\"token\":\"t\"}", EngineIo.connect(new JsonObject().put("token", "t")));
        assertEquals("427[\"join\",\"room\"]", EngineIo.event(7, new JsonArray().add("join").add("room")));
    }

    @Test
    void packetsThisClientDoesNotUseAreKeptVerbatim() {
        assertEquals("6", assertInstanceOf(EngineIo.Other.class, EngineIo.decode("6")).raw());
        assertEquals("1", assertInstanceOf(EngineIo.Other.class, EngineIo.decode("1")).raw());
    }

    @Test
    void eventWithoutJsonArrayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> EngineIo.decode("4212"));
    }
}
