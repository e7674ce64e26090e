package dev.jtune.data;

/** A row left out under {@code skipBadRows}: its 1-based line in the file and why. */
public record SkippedRow(long line, String reason) {}
