package dev.jtune.cli;

import dev.jtune.data.Dataset;
import dev.jtune.trainer.TrainOutput;
import dev.jtune.trainer.TrainerState;
import dev.jtune.trainer.TrainingArguments;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** report.html: loss and learning-rate curves (a PNG drawn with Java2D, embedded as base64) and eval metrics per epoch. */
final class TrainingReport {
    private TrainingReport() {}

    static void write(Path file, String modelName, Dataset train, Dataset eval, String lossDescription, TrainingArguments args,
                      TrainOutput result, TrainerState state, Map<String, Double> finalEval) {
        CliSupport.writeString(file, html(modelName, train, eval, lossDescription, args, result, state, finalEval));
    }

    static String html(String modelName, Dataset train, Dataset eval, String lossDescription, TrainingArguments args,
                       TrainOutput result, TrainerState state, Map<String, Double> finalEval) {
        List<double[]> loss = new ArrayList<>(), lr = new ArrayList<>();
        for (TrainOutput.StepRecord s : result.steps()) {
            if (Double.isFinite(s.loss())) loss.add(new double[] {s.step(), s.loss()});
            lr.add(new double[] {s.step(), s.learningRate()});
        }
        List<Map<String, Object>> evals = new ArrayList<>();
        List<double[]> evalLoss = new ArrayList<>();
        for (Map<String, Object> log : state.logHistory()) {
            if (log.containsKey("eval_loss")) {
                evals.add(log);
                Object step = log.get("step");
                if (step instanceof Number n && log.get("eval_loss") instanceof Number l) evalLoss.add(new double[] {n.doubleValue(), l.doubleValue()});
            }
        }
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jtune training report</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:60em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f4f4f4}</style></head><body>\n");
        h.append("<h1>jtune training report</h1>\n<ul>\n");
        li(h, "model", modelName);
        li(h, "train data", train.file() + " (" + train.size() + " rows, column \"" + train.textColumn() + "\""
                + (train.labelColumn() == null ? "" : ", labels \"" + train.labelColumn() + "\"") + ")");
        if (eval != null) li(h, "eval data", eval.file() + " (" + eval.size() + " rows)");
        if (train.labelMap() != null) li(h, "labels", String.join(", ", train.labelMap().id2label()));
        li(h, "loss", lossDescription);
        li(h, "steps", result.globalStep() + " (training loss " + ConsoleCallback.num(result.trainingLoss()) + ")");
        li(h, "learning rate", args.learningRate() + " (" + args.lrSchedulerType().toString().toLowerCase(Locale.ROOT) + ")");
        h.append("</ul>\n<h2>Curves</h2>\n");
        if (loss.isEmpty()) {
            h.append("<p>No training steps were run in this session.</p>\n");
        } else {
            h.append("<img alt=\"training loss and learning rate per step\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(chart(loss, evalLoss, lr))).append("\">\n");
        }
        h.append("<h2>Evaluation per epoch</h2>\n");
        if (evals.isEmpty()) {
            h.append("<p>No evaluation during training (pass --eval FILE).</p>\n");
        } else {
            Set<String> keys = new LinkedHashSet<>();
            for (Map<String, Object> e : evals) keys.addAll(e.keySet());
            h.append("<table><tr>");
            for (String k : keys) h.append("<th>").append(escape(k)).append("</th>");
            h.append("</tr>\n");
            for (Map<String, Object> e : evals) {
                h.append("<tr>");
                for (String k : keys) {
                    Object v = e.get(k);
                    h.append("<td>").append(v instanceof Double d ? ConsoleCallback.num(d) : escape(v == null ? "" : v.toString())).append("</td>");
                }
                h.append("</tr>\n");
            }
            h.append("</table>\n");
        }
        String perType = perTypeTable(finalEval);
        if (perType != null) h.append("<h2>Entities per type (final evaluation, seqeval default mode)</h2>\n").append(perType);
        if (finalEval != null) {
            h.append("<h2>Final evaluation</h2>\n<table>\n");
            finalEval.forEach((k, v) -> h.append("<tr><th>").append(escape(k)).append("</th><td>").append(ConsoleCallback.num(v)).append("</td></tr>\n"));
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    /**
     * Token runs: one row per entity type (precision, recall, F1, gold entities) from the eval_TYPE_* metrics, then
     * the micro average; null when the metrics have no per-type F1.
     */
    static String perTypeTable(Map<String, Double> m) {
        if (m == null || !m.containsKey("eval_precision") || !m.containsKey("eval_accuracy")) return null;
        List<String> types = new ArrayList<>();
        for (String k : m.keySet()) {
            if (k.startsWith("eval_") && k.endsWith("_number")) types.add(k.substring(5, k.length() - "_number".length()));
        }
        if (types.isEmpty()) return null;
        StringBuilder t = new StringBuilder("<table><tr><th>type</th><th>precision</th><th>recall</th><th>F1</th><th>entities</th></tr>\n");
        for (String ty : types) {
            t.append("<tr><th>").append(escape(ty)).append("</th>");
            for (String f : List.of("precision", "recall", "f1")) t.append("<td>").append(ConsoleCallback.num(m.get("eval_" + ty + "_" + f))).append("</td>");
            t.append("<td>").append(Math.round(m.get("eval_" + ty + "_number"))).append("</td></tr>\n");
        }
        t.append("<tr><th>all (micro)</th>");
        for (String f : List.of("precision", "recall", "f1")) t.append("<td>").append(ConsoleCallback.num(m.get("eval_" + f))).append("</td>");
        t.append("<td>").append(types.stream().mapToLong(ty -> Math.round(m.get("eval_" + ty + "_number"))).sum()).append("</td></tr>\n</table>\n");
        return t.toString();
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

    /** Two panels: training loss (blue) with eval loss (orange dots) above, the learning rate below. */
    static byte[] chart(List<double[]> loss, List<double[]> evalLoss, List<double[]> lr) {
        System.setProperty("java.awt.headless", "true");
        int w = 800, ph = 260, h = 2 * ph + 20;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, w, h);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            List<double[]> all = new ArrayList<>(loss);
            all.addAll(evalLoss);
            panel(g, 0, w, ph, "loss (train: line, eval: dots)", List.of(loss), List.of(evalLoss), all);
            panel(g, ph + 20, w, ph, "learning rate", List.of(lr), List.of(), lr);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private static void panel(Graphics2D g, int top, int w, int h, String title, List<List<double[]>> lines,
                              List<List<double[]>> dots, List<double[]> range) {
        int left = 70, right = 20, tp = top + 25, bottom = top + h - 30;
        double x0 = Double.POSITIVE_INFINITY, x1 = Double.NEGATIVE_INFINITY, y0 = Double.POSITIVE_INFINITY, y1 = Double.NEGATIVE_INFINITY;
        for (double[] p : range) { x0 = Math.min(x0, p[0]); x1 = Math.max(x1, p[0]); y0 = Math.min(y0, p[1]); y1 = Math.max(y1, p[1]); }
        if (!(x1 > x0)) { x0 -= 1; x1 += 1; }
        if (!(y1 > y0)) { y0 -= y0 == 0 ? 1 : Math.abs(y0) * 0.1; y1 += y1 == 0 ? 1 : Math.abs(y1) * 0.1; }
        g.setColor(Color.BLACK);
        g.drawString(title, left, top + 15);
        g.drawRect(left, tp, w - left - right, bottom - tp);
        g.drawString(String.format(Locale.ROOT, "%.3g", y1), 5, tp + 10);
        g.drawString(String.format(Locale.ROOT, "%.3g", y0), 5, bottom);
        g.drawString("step " + (long) x0, left, bottom + 15);
        String end = "step " + (long) x1;
        g.drawString(end, w - right - g.getFontMetrics().stringWidth(end), bottom + 15);
        double fx0 = x0, fx1 = x1, fy0 = y0, fy1 = y1;
        java.util.function.DoubleUnaryOperator sx = x -> left + (x - fx0) / (fx1 - fx0) * (w - left - right);
        java.util.function.DoubleUnaryOperator sy = y -> bottom - (y - fy0) / (fy1 - fy0) * (bottom - tp);
        g.setColor(new Color(31, 119, 180));
        g.setStroke(new BasicStroke(1.5f));
        for (List<double[]> line : lines) {
            for (int i = 1; i < line.size(); i++) {
                g.drawLine((int) sx.applyAsDouble(line.get(i - 1)[0]), (int) sy.applyAsDouble(line.get(i - 1)[1]),
                        (int) sx.applyAsDouble(line.get(i)[0]), (int) sy.applyAsDouble(line.get(i)[1]));
            }
            if (line.size() == 1) g.fillOval((int) sx.applyAsDouble(line.get(0)[0]) - 2, (int) sy.applyAsDouble(line.get(0)[1]) - 2, 5, 5);
        }
        g.setColor(new Color(255, 127, 14));
        for (List<double[]> ds : dots) {
            for (double[] p : ds) g.fillOval((int) sx.applyAsDouble(p[0]) - 4, (int) sy.applyAsDouble(p[1]) - 4, 9, 9);
        }
    }
}
