package dev.parley.bench.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The PNG charts of the report, drawn with XChart from the median of the runs at each offered rate. */
public final class Charts {
    /** One colour per server, the same in every chart. */
    private static final Color[] COLORS = {new Color(0xC0392B), new Color(0x2471A3), new Color(0x229954),
        new Color(0x7D3C98)};

    private Charts() {
    }

    /** p50 and p99 delivery latency against offered deliveries/s, one pair of lines per server. */
    public static void latency(Results results, List<String> servers, List<Double> rates, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("Delivery latency against offered load (median of runs)")
                .xAxisTitle("offered deliveries/s").yAxisTitle("latency, ms (log)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNW);
        for (int i = 0; i < servers.size(); i++) {
            String server = servers.get(i);
            add(chart, server + " p99", results, server, rates, "p99", false, COLORS[i % COLORS.length]);
            add(chart, server + " p50", results, server, rates, "p50", true, COLORS[i % COLORS.length]);
        }
        save(chart, png);
    }

    /** Server CPU time per 1,000 deliveries against offered deliveries/s. */
    public static void cpu(Results results, List<String> servers, List<Double> rates, Path png) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(560)
                .title("Server CPU per 1,000 deliveries (median of runs)")
                .xAxisTitle("offered deliveries/s").yAxisTitle("CPU ms per 1,000 deliveries").build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        for (int i = 0; i < servers.size(); i++) {
            add(chart, servers.get(i), results, servers.get(i), rates, "cpuPer1000", false, COLORS[i % COLORS.length]);
        }
        save(chart, png);
    }

    private static void add(XYChart chart, String series, Results results, String server, List<Double> rates,
                            String metric, boolean dashed, Color color) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (double rate : rates) {
            List<Double> v = results.of(server, SweepKeys.key(rate, metric));
            if (!v.isEmpty()) {
                x.add(rate);
                y.add(Math.max(0.01, Stats.median(v)));
            }
        }
        if (x.isEmpty()) {
            return;
        }
        XYSeries s = chart.addSeries(series, x, y);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(color);
        s.setMarkerColor(color);
        if (dashed) {
            s.setLineStyle(org.knowm.xchart.style.lines.SeriesLines.DASH_DASH);
        }
    }

    private static void save(XYChart chart, Path png) throws IOException {
        Files.createDirectories(png.getParent());
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no data", new double[]{0}, new double[]{0.01});
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
