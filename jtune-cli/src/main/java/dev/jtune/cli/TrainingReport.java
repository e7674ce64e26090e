package dev.jtune.cli;

import dev.jtune.data.Dataset;
import dev.jtune.metrics.EvalBreakdown;
import dev.jtune.trainer.TrainOutput;
import dev.jtune.trainer.TrainerState;
import dev.jtune.trainer.TrainingArguments;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * report.html, one self-contained file: charts drawn with XChart (PNG, embedded as base64) — training and eval loss,
 * learning rate, every eval metric over the steps, and per task the final evaluation's breakdown (confusion matrix
 * and per-class F1, predicted against true values, per-label F1 with its thresholds, per-entity F1) — beside
 * tables holding the same numbers. The curves come from the log history, which a resumed run restores from its
 * checkpoint, so they include the steps before a resume.
 */
final class TrainingReport {
    private TrainingReport() {}

    /** Metrics that are not scores: left out of the metric charts. */
    private static final Set<String> NOT_SCORES = Set.of("eval_loss", "eval_runtime", "eval_samples_per_second",
            "eval_steps_per_second", "epoch", "step");
    private static final Color BLUE = new Color(31, 119, 180), ORANGE = new Color(255, 127, 14), GREEN = new Color(44, 160, 44),
            GREY = new Color(150, 150, 150);

    /** What one report shows. {@code finalEval} and {@code breakdown} may be null (no eval data). */
    record Input(String modelName, Dataset train, Dataset eval, String lossDescription, TrainingArguments args,
                 TrainOutput result, TrainerState state, Map<String, Double> finalEval, int weightsStep,
                 EvalBreakdown breakdown) {}

    static void write(Path file, Input in) {
        CliSupport.writeString(file, html(in));
    }

    static String html(Input in) {
        System.setProperty("java.awt.headless", "true");
        Curves c = Curves.of(in.state(), in.result());
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jtune training report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:78em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}")
                .append(".charts{display:flex;flex-wrap:wrap;gap:12px}.charts img{border:1px solid #ddd;max-width:100%}")
                .append("table.confusion td.diag{background:#dbe9f6;font-weight:bold}</style></head><body>\n");
        h.append("<h1>jtune training report</h1>\n<ul>\n");
        Dataset train = in.train();
        li(h, "model", in.modelName());
        li(h, "train data", train.file() + " (" + CliSupport.count(train.size(), "row") + ", column \"" + train.textColumn() + "\""
                + (train.labelColumn() == null ? "" : ", labels \"" + train.labelColumn() + "\"") + ")");
        if (in.eval() != null) li(h, "eval data", in.eval().file() + " (" + CliSupport.count(in.eval().size(), "row") + ")");
        if (train.labelMap() != null) li(h, "labels", String.join(", ", train.labelMap().id2label()));
        li(h, "loss", in.lossDescription());
        li(h, "steps", in.result().globalStep() + " (training loss " + ConsoleCallback.num(in.result().trainingLoss()) + ")");
        if (c.resumedAt() > 0) li(h, "resumed", "at step " + c.resumedAt() + "; the curves include the steps before it (log history of the checkpoint)");
        li(h, "learning rate", in.args().learningRate() + " (" + in.args().lrSchedulerType().toString().toLowerCase(Locale.ROOT) + ")");
        if (in.finalEval() != null) li(h, "final evaluation", "the weights of step " + in.weightsStep());
        h.append("</ul>\n<h2>Training</h2>\n");
        if (c.loss().isEmpty()) {
            h.append("<p>No training steps were logged.</p>\n");
        } else {
            h.append("<div class=\"charts\">\n");
            img(h, "loss", "training loss" + (c.evalLoss().isEmpty() ? "" : " and eval loss") + " over the steps", lossChart(c));
            img(h, "learning-rate", "learning rate over the steps", lrChart(c));
            h.append("</div>\n");
            curvesTable(h, c);
        }
        h.append("<h2>Evaluation over the steps</h2>\n");
        if (c.evals().isEmpty()) {
            h.append("<p>No evaluation during training (pass --eval FILE).</p>\n");
        } else {
            h.append("<div class=\"charts\">\n");
            metricCharts(h, c.evals());
            h.append("</div>\n");
            evalTable(h, c.evals());
        }
        breakdown(h, in.breakdown(), in.weightsStep(), in.finalEval());
        if (in.finalEval() != null) {
            h.append("<h2>Final evaluation (weights of step ").append(in.weightsStep()).append(")</h2>\n<table>\n");
            in.finalEval().forEach((k, v) -> h.append("<tr><th>").append(escape(k)).append("</th><td>").append(ConsoleCallback.num(v)).append("</td></tr>\n"));
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    /** The series the curves are drawn from: the log history (restored on resume), this session's steps as a fallback. */
    record Curves(List<double[]> loss, List<double[]> evalLoss, List<double[]> lr, List<Map<String, Object>> evals, int resumedAt) {
        static Curves of(TrainerState state, TrainOutput result) {
            List<double[]> loss = new ArrayList<>(), evalLoss = new ArrayList<>(), lr = new ArrayList<>();
            List<Map<String, Object>> evals = new ArrayList<>();
            for (Map<String, Object> log : state.logHistory()) {
                if (!(log.get("step") instanceof Number s)) continue;
                if (log.get("loss") instanceof Number l && Double.isFinite(l.doubleValue())) loss.add(new double[] {s.doubleValue(), l.doubleValue()});
                if (log.get("learning_rate") instanceof Number r) lr.add(new double[] {s.doubleValue(), r.doubleValue()});
                if (log.get("eval_loss") instanceof Number l) {
                    evals.add(log);
                    evalLoss.add(new double[] {s.doubleValue(), l.doubleValue()});
                }
            }
            if (loss.isEmpty() || lr.isEmpty()) { // logging_strategy no: every step of this session
                loss.clear();
                lr.clear();
                for (TrainOutput.StepRecord s : result.steps()) {
                    if (Double.isFinite(s.loss())) loss.add(new double[] {s.step(), s.loss()});
                    lr.add(new double[] {s.step(), s.learningRate()});
                }
            }
            int resumedAt = result.steps().isEmpty() ? 0 : result.steps().get(0).step() - 1;
            return new Curves(loss, evalLoss, lr, evals, resumedAt);
        }
    }

    // ---- charts ----

    static byte[] lossChart(Curves c) {
        XYChart ch = xy("Loss", "step", "loss", 540, 340);
        line(ch, "training loss", c.loss(), BLUE);
        if (!c.evalLoss().isEmpty()) {
            XYSeries e = line(ch, "eval loss", c.evalLoss(), ORANGE);
            if (c.evalLoss().size() == 1) e.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        }
        return png(ch);
    }

    static byte[] lrChart(Curves c) {
        XYChart ch = xy("Learning rate", "step", "learning rate", 540, 340);
        ch.getStyler().setYAxisDecimalPattern("0.0E0");
        ch.getStyler().setLegendVisible(false);
        line(ch, "learning rate", c.lr(), GREEN).setMarker(SeriesMarkers.NONE);
        return png(ch);
    }

    /** One small chart per eval metric (per-entity-type metrics: one chart of their F1). */
    private static void metricCharts(StringBuilder h, List<Map<String, Object>> evals) {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        Map<String, List<double[]>> typeF1 = new LinkedHashMap<>();
        Set<String> types = new java.util.TreeSet<>();
        for (Map<String, Object> e : evals) {
            for (String k : e.keySet()) if (k.startsWith("eval_") && k.endsWith("_number")) types.add(k.substring(5, k.length() - 7));
        }
        for (Map<String, Object> e : evals) {
            double step = ((Number) e.get("step")).doubleValue();
            for (Map.Entry<String, Object> kv : e.entrySet()) {
                String k = kv.getKey();
                if (NOT_SCORES.contains(k) || !k.startsWith("eval_") || !(kv.getValue() instanceof Number v) || !Double.isFinite(v.doubleValue())) continue;
                String type = typeOf(k, types);
                if (type != null) {
                    if (k.endsWith("_f1")) typeF1.computeIfAbsent(type, t -> new ArrayList<>()).add(new double[] {step, v.doubleValue()});
                    continue;
                }
                series.computeIfAbsent(k, x -> new ArrayList<>()).add(new double[] {step, v.doubleValue()});
            }
        }
        for (Map.Entry<String, List<double[]>> s : series.entrySet()) {
            XYChart ch = xy(s.getKey(), "step", s.getKey().substring(5), 360, 260);
            ch.getStyler().setLegendVisible(false);
            scoreRange(ch, s.getValue());
            line(ch, s.getKey(), s.getValue(), BLUE);
            img(h, "metric-" + s.getKey(), s.getKey() + " over the steps", png(ch));
        }
        if (!typeF1.isEmpty()) {
            XYChart ch = xy("F1 per entity type", "step", "F1", 540, 340);
            ch.getStyler().setYAxisMin(0.0);
            ch.getStyler().setYAxisMax(1.0);
            typeF1.forEach((t, pts) -> line(ch, t, pts, null));
            img(h, "metric-entity-f1", "F1 of each entity type over the steps", png(ch));
        }
    }

    /** Scores within [0, 1] (accuracy, F1, ...) get the axis 0..1, within [-1, 1] (MCC, correlations) -1..1: ticks and an honest scale. */
    private static void scoreRange(XYChart ch, List<double[]> pts) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] p : pts) { lo = Math.min(lo, p[1]); hi = Math.max(hi, p[1]); }
        if (lo >= 0 && hi <= 1) {
            ch.getStyler().setYAxisMin(0.0);
            ch.getStyler().setYAxisMax(1.0);
        } else if (lo >= -1 && hi <= 1) {
            ch.getStyler().setYAxisMin(-1.0);
            ch.getStyler().setYAxisMax(1.0);
        }
    }

    private static String typeOf(String key, Set<String> types) {
        for (String t : types) {
            String p = "eval_" + t + "_";
            if (key.startsWith(p) && List.of("precision", "recall", "f1", "number").contains(key.substring(p.length()))) return t;
        }
        return null;
    }

    private static void breakdown(StringBuilder h, EvalBreakdown b, int step, Map<String, Double> finalEval) {
        if (b == null) return;
        String at = " (final evaluation, weights of step " + step + ")";
        if (b instanceof EvalBreakdown.SingleLabel s) {
            h.append("<h2>Confusion matrix").append(escape(at)).append("</h2>\n<div class=\"charts\">\n");
            img(h, "confusion", "confusion matrix, rows true class, columns predicted: " + confusionAlt(s), confusionChart(s));
            img(h, "per-class-f1", "precision, recall and F1 per class", perClassChart("Scores per class", s.scores(), null));
            h.append("</div>\n");
            confusionTable(h, s);
            perClassTable(h, "class", s.scores(), null);
        } else if (b instanceof EvalBreakdown.Regression r) {
            h.append("<h2>Predicted against true values").append(escape(at)).append("</h2>\n<div class=\"charts\">\n");
            String pearson = finalEval != null && finalEval.containsKey("eval_pearson") ? ", Pearson " + ConsoleCallback.num(finalEval.get("eval_pearson")) : "";
            img(h, "scatter", "predicted against true value for " + CliSupport.count(r.truth().length, "eval example") + pearson, scatterChart(r));
            h.append("</div>\n");
        } else if (b instanceof EvalBreakdown.MultiLabel m) {
            h.append("<h2>Per label, at the thresholds used").append(escape(at)).append("</h2>\n<div class=\"charts\">\n");
            img(h, "per-label-f1", "F1 per label with its decision threshold", perClassChart("F1 per label and its threshold", m.scores(), m.thresholds()));
            h.append("</div>\n");
            perClassTable(h, "label", m.scores(), m.thresholds());
        } else if (b instanceof EvalBreakdown.Entities e) {
            h.append("<h2>Entities per type").append(escape(at)).append(" (seqeval default mode)</h2>\n<div class=\"charts\">\n");
            img(h, "per-entity-f1", "precision, recall and F1 per entity type", perClassChart("Scores per entity type", e.scores(), null));
            h.append("</div>\n");
            perClassTable(h, "type", e.scores(), null);
        }
    }

    static byte[] confusionChart(EvalBreakdown.SingleLabel s) {
        int k = s.classes().size();
        int side = Math.max(420, Math.min(1100, 140 + 36 * k));
        HeatMapChart ch = new HeatMapChartBuilder().width(side).height(side).title("Confusion matrix (counts)")
                .xAxisTitle("predicted").yAxisTitle("true").build();
        var st = ch.getStyler();
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setShowValue(k <= 20);
        st.setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, k <= 8 ? 14 : 10));
        st.setHeatMapValueDecimalPattern("0");
        // light to mid blue: the black counts stay readable on every cell
        st.setRangeColors(new Color[] {new Color(250, 252, 255), new Color(158, 202, 225), new Color(66, 146, 198)});
        st.setValueFontColor(Color.BLACK);
        st.setXAxisLabelRotation(k > 6 ? 45 : 0);
        st.setLegendVisible(false);
        long max = 1;
        List<Number[]> cells = new ArrayList<>();
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                cells.add(new Number[] {p, k - 1 - t, s.confusion()[t][p]}); // true class 0 at the top
                max = Math.max(max, s.confusion()[t][p]);
            }
        }
        st.setMin(0);
        st.setMax(max);
        List<String> ys = new ArrayList<>(s.classes());
        java.util.Collections.reverse(ys);
        ch.addSeries("examples", s.classes(), ys, cells);
        return png(ch);
    }

    /** Bars of precision, recall and F1 per class; with thresholds, F1 and the threshold of each label. */
    static byte[] perClassChart(String title, EvalBreakdown.PerClass s, double[] thresholds) {
        int k = s.names().size();
        int width = Math.max(540, Math.min(1800, 120 + (thresholds == null ? 60 : 40) * k));
        CategoryChart ch = new CategoryChartBuilder().width(width).height(k > 8 ? 420 : 360).title(title)
                .xAxisTitle(thresholds == null ? "" : "label").yAxisTitle(thresholds == null ? "score" : "F1 / threshold").build();
        var st = ch.getStyler();
        style(st);
        st.setYAxisMin(0.0);
        st.setYAxisMax(1.0);
        st.setYAxisDecimalPattern("0.0");
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        if (k > 6) st.setXAxisLabelRotation(45);
        List<String> names = s.names();
        if (thresholds == null) {
            ch.addSeries("precision", names, boxed(s.precision())).setFillColor(GREY);
            ch.addSeries("recall", names, boxed(s.recall())).setFillColor(ORANGE);
            ch.addSeries("F1", names, boxed(s.f1())).setFillColor(BLUE);
        } else {
            ch.addSeries("F1", names, boxed(s.f1())).setFillColor(BLUE);
            ch.addSeries("threshold", names, boxed(thresholds)).setFillColor(ORANGE);
        }
        return png(ch);
    }

    static byte[] scatterChart(EvalBreakdown.Regression r) {
        XYChart ch = xy("Predicted against true", "true value", "predicted", 560, 500);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < r.truth().length; i++) {
            lo = Math.min(lo, Math.min(r.truth()[i], r.predicted()[i]));
            hi = Math.max(hi, Math.max(r.truth()[i], r.predicted()[i]));
        }
        if (!(hi > lo)) { lo -= 1; hi += 1; }
        XYSeries diag = ch.addSeries("predicted = true", new double[] {lo, hi}, new double[] {lo, hi});
        diag.setMarker(SeriesMarkers.NONE);
        diag.setLineColor(GREY);
        XYSeries pts = ch.addSeries("eval examples", r.truth(), r.predicted());
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pts.setMarker(SeriesMarkers.CIRCLE);
        pts.setMarkerColor(new Color(31, 119, 180, 170));
        ch.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        ch.getStyler().setXAxisMin(lo);
        ch.getStyler().setXAxisMax(hi);
        ch.getStyler().setYAxisMin(lo);
        ch.getStyler().setYAxisMax(hi);
        return png(ch);
    }

    private static XYChart xy(String title, String x, String y, int w, int h) {
        XYChart ch = new XYChartBuilder().width(w).height(h).title(title).xAxisTitle(x).yAxisTitle(y).build();
        style(ch.getStyler());
        ch.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        ch.getStyler().setXAxisDecimalPattern("#,##0");
        ch.getStyler().setYAxisDecimalPattern("0.0##");
        return ch;
    }

    private static void style(AxesChartStyler st) {
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setPlotBorderColor(new Color(180, 180, 180));
        st.setLegendBorderColor(new Color(210, 210, 210));
        st.setChartTitleBoxVisible(false);
        st.setAxisTicksVisible(true);
        st.setAxisTitlesVisible(true);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        st.setAntiAlias(true);
    }

    private static XYSeries line(XYChart ch, String name, List<double[]> pts, Color color) {
        double[] x = new double[pts.size()], y = new double[pts.size()];
        for (int i = 0; i < x.length; i++) { x[i] = pts.get(i)[0]; y[i] = pts.get(i)[1]; }
        XYSeries s = ch.addSeries(name, x, y);
        s.setMarker(pts.size() <= 60 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
        if (color != null) { s.setLineColor(color); s.setMarkerColor(color); }
        return s;
    }

    private static List<Double> boxed(double[] v) {
        List<Double> l = new ArrayList<>(v.length);
        for (double d : v) l.add(d);
        return l;
    }

    static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new IllegalStateException("could not encode a report chart", e);
        }
    }

    private static void img(StringBuilder h, String id, String alt, byte[] png) {
        h.append("<img data-chart=\"").append(escape(id)).append("\" alt=\"").append(escape(alt))
                .append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">\n");
    }

    // ---- tables ----

    /** "neg→neg 30, neg→pos 4, ..." (true→predicted): the matrix in words, for the image's alt text. */
    static String confusionAlt(EvalBreakdown.SingleLabel s) {
        StringBuilder b = new StringBuilder();
        for (int t = 0; t < s.classes().size(); t++) {
            for (int p = 0; p < s.classes().size(); p++) {
                if (b.length() > 0) b.append(", ");
                b.append(s.classes().get(t)).append("→").append(s.classes().get(p)).append(' ').append(s.confusion()[t][p]);
            }
        }
        return b.toString();
    }

    private static void confusionTable(StringBuilder h, EvalBreakdown.SingleLabel s) {
        h.append("<table class=\"confusion\"><tr><th>true \\ predicted</th>");
        for (String c : s.classes()) h.append("<th>").append(escape(c)).append("</th>");
        h.append("<th>total</th></tr>\n");
        for (int t = 0; t < s.classes().size(); t++) {
            h.append("<tr><th>").append(escape(s.classes().get(t))).append("</th>");
            long total = 0;
            for (int p = 0; p < s.classes().size(); p++) {
                total += s.confusion()[t][p];
                h.append(t == p ? "<td class=\"diag\">" : "<td>").append(s.confusion()[t][p]).append("</td>");
            }
            h.append("<td>").append(total).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void perClassTable(StringBuilder h, String what, EvalBreakdown.PerClass s, double[] thresholds) {
        h.append("<table class=\"per-class\"><tr><th>").append(what).append("</th>");
        if (thresholds != null) h.append("<th>threshold</th>");
        h.append("<th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
        for (int i = 0; i < s.names().size(); i++) {
            h.append("<tr><th>").append(escape(s.names().get(i))).append("</th>");
            if (thresholds != null) h.append("<td>").append(ConsoleCallback.num(thresholds[i])).append("</td>");
            h.append("<td>").append(ConsoleCallback.num(s.precision()[i])).append("</td><td>").append(ConsoleCallback.num(s.recall()[i]))
                    .append("</td><td>").append(ConsoleCallback.num(s.f1()[i])).append("</td><td>").append(s.support()[i]).append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    /** The numbers behind the loss and learning-rate charts, folded away. */
    private static void curvesTable(StringBuilder h, Curves c) {
        Map<Double, double[]> rows = new java.util.TreeMap<>();
        for (double[] p : c.loss()) rows.computeIfAbsent(p[0], k -> new double[] {Double.NaN, Double.NaN, Double.NaN})[0] = p[1];
        for (double[] p : c.evalLoss()) rows.computeIfAbsent(p[0], k -> new double[] {Double.NaN, Double.NaN, Double.NaN})[1] = p[1];
        for (double[] p : c.lr()) rows.computeIfAbsent(p[0], k -> new double[] {Double.NaN, Double.NaN, Double.NaN})[2] = p[1];
        h.append("<details><summary>the numbers behind these charts</summary>\n<table class=\"curves\"><tr><th>step</th>")
                .append("<th>training loss</th><th>eval loss</th><th>learning rate</th></tr>\n");
        rows.forEach((step, v) -> {
            h.append("<tr><th>").append((long) (double) step).append("</th>");
            for (double x : v) h.append("<td>").append(Double.isNaN(x) ? "" : ConsoleCallback.num(x)).append("</td>");
            h.append("</tr>\n");
        });
        h.append("</table></details>\n");
    }

    /** One column per evaluation (its step), one row per metric. */
    private static void evalTable(StringBuilder h, List<Map<String, Object>> evals) {
        Set<String> keys = new java.util.LinkedHashSet<>();
        for (Map<String, Object> e : evals) keys.addAll(e.keySet());
        keys.remove("step");
        h.append("<div style=\"overflow-x:auto\"><table class=\"evals\"><tr><th>step</th>");
        for (Map<String, Object> e : evals) h.append("<th>").append(escape(String.valueOf(e.get("step")))).append("</th>");
        h.append("</tr>\n");
        for (String k : keys) {
            h.append("<tr><th>").append(escape(k)).append("</th>");
            for (Map<String, Object> e : evals) {
                Object v = e.get(k);
                h.append("<td>").append(v instanceof Number d ? ConsoleCallback.num(d.doubleValue()) : escape(v == null ? "" : v.toString())).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table></div>\n");
    }

    private static void li(StringBuilder h, String k, String v) {
        h.append("<li><b>").append(escape(k)).append(":</b> ").append(escape(v)).append("</li>\n");
    }

    /** HTML-escapes text (data files may contain anything). */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }
}
