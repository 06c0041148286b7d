package io.raidvm.cli.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Prints protobuf messages as JSON, or rows as an aligned table. */
public final class Printer {

  private static final JsonFormat.Printer JSON = JsonFormat.printer()
      .includingDefaultValueFields()
      .preservingProtoFieldNames();
  private static final JsonFormat.Printer JSON_LINE = JSON.omittingInsignificantWhitespace();

  private final PrintWriter out;

  public Printer(PrintWriter out) {
    this.out = out;
  }

  public void json(MessageOrBuilder message) {
    print(JSON, message);
  }

  /** The message as JSON on one line, for streams of messages (JSON Lines). */
  public void jsonLine(MessageOrBuilder message) {
    print(JSON_LINE, message);
  }

  private void print(JsonFormat.Printer json, MessageOrBuilder message) {
    try {
      out.println(json.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
    out.flush();
  }

  /** Text without a line end, e.g. a progress bar redrawn after "\r". */
  public void partial(String text) {
    out.print(text);
    out.flush();
  }

  /** One row per element; the first row is the header. Columns are padded to their widest cell. */
  public void table(List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] width = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(i + 1 < row.size() ? String.format("%-" + width[i] + "s  ", row.get(i))
            : row.get(i));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }

  /** "key: value" lines, keys aligned. */
  public void fields(List<List<String>> pairs) {
    int width = pairs.stream().mapToInt(p -> p.get(0).length()).max().orElse(0);
    for (List<String> p : pairs) {
      out.println(String.format("%-" + (width + 1) + "s %s", p.get(0) + ":", p.get(1)).stripTrailing());
    }
    out.flush();
  }

  public void line(String text) {
    out.println(text);
    out.flush();
  }
}
