package dev.parley.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void spreadShowsMedianThenLowestToHighest() {
        assertEquals("2.0 (1.0–9.0)", Stats.spread(List.of(9.0, 1.0, 2.0), "%.1f"));
    }

    @Test
    void medianOfTwoRunsIsTheirMean() {
        assertEquals("3.0 (2.0–4.0)", Stats.spread(List.of(2.0, 4.0), "%.1f"));
    }

    @Test
    void runsThatAgreeShowOneValueAndUnmeasuredRunsAreLeftOut() {
        assertEquals("0", Stats.spread(List.of(0.0, 0.0), "%.0f"));
        assertEquals("4.0", Stats.spread(List.of(Double.NaN, 4.0), "%.1f"));
    }

    @Test
    void oneRunShowsOnlyItsValueAndNoRunShowsADash() {
        assertEquals("5", Stats.spread(List.of(5.0), "%.0f"));
        assertEquals("–", Stats.spread(List.of(), "%.0f"));
        assertEquals("–", Stats.spread(List.of(Double.NaN), "%.0f"));
    }
}
