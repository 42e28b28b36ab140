package io.sluice.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the docs test reads from a Markdown file: fenced blocks, tables, code spans, anchors. */
final class Markdown {

  /** A fenced block: its info string, its text, the line of its opening fence (1-based). */
  record Block(String info, String text, int line, String marker) {}

  /** A table: its header cells and its rows of cells, with the line of each row. */
  record Table(List<String> header, List<Row> rows) {}

  record Row(List<String> cells, int line) {}

  /** A run of inline code outside the fenced blocks, with its line. */
  record Code(String text, int line) {}

  /** A link {@code [text](target)} outside the fenced blocks. */
  record Link(String target, int line) {}

  private static final Pattern MARKER = Pattern.compile("<!--\\s*(.*?)\\s*-->");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern ANCHOR = Pattern.compile("<a id=\"([^\"]+)\"");

  final Path file;
  final List<Block> blocks = new ArrayList<>();
  final List<Table> tables = new ArrayList<>();
  final List<Code> code = new ArrayList<>();
  final List<Link> links = new ArrayList<>();
  final Set<String> anchors = new LinkedHashSet<>();

  private Markdown(Path file) {
    this.file = file;
  }

  static Markdown read(Path file) {
    try {
      Markdown md = new Markdown(file);
      md.parse(Files.readAllLines(file));
      return md;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void parse(List<String> lines) {
    Map<String, Integer> slugs = new HashMap<>();
    String marker = null;
    List<Row> table = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String trimmed = line.strip();
      if (trimmed.startsWith("```")) {
        int start = i;
        StringBuilder text = new StringBuilder();
        for (i++; i < lines.size() && !lines.get(i).strip().startsWith("```"); i++) {
          text.append(lines.get(i)).append('\n');
        }
        blocks.add(new Block(trimmed.substring(3).strip(), text.toString(), start + 1, marker));
        marker = null;
        continue;
      }
      if (trimmed.startsWith("|")) {
        if (table == null) {
          table = new ArrayList<>();
        }
        table.add(new Row(cells(trimmed), i + 1));
      } else if (table != null) {
        addTable(table);
        table = null;
      }
      Matcher m = MARKER.matcher(trimmed);
      if (m.matches()) {
        marker = m.group(1);
      } else if (!trimmed.isEmpty()) {
        marker = null;
      }
      if (trimmed.startsWith("#")) {
        String slug = slug(trimmed.replaceFirst("^#+", ""));
        int n = slugs.merge(slug, 1, Integer::sum);
        anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
      }
      Matcher a = ANCHOR.matcher(line);
      while (a.find()) {
        anchors.add(a.group(1));
      }
      Matcher c = CODE.matcher(line);
      while (c.find()) {
        code.add(new Code(c.group(1), i + 1));
      }
      Matcher l = LINK.matcher(line.replaceAll("`[^`]*`", ""));
      while (l.find()) {
        links.add(new Link(l.group(1), i + 1));
      }
    }
    if (table != null) {
      addTable(table);
    }
  }

  private void addTable(List<Row> rows) {
    if (rows.size() >= 2) {
      tables.add(new Table(rows.get(0).cells(), List.copyOf(rows.subList(2, rows.size()))));
    }
  }

  /** The cells of a table row; a {@code \|} stays in its cell as {@code |}. */
  private static List<String> cells(String row) {
    List<String> cells = new ArrayList<>();
    String inner = row.substring(1, row.endsWith("|") ? row.length() - 1 : row.length());
    StringBuilder cell = new StringBuilder();
    for (int i = 0; i < inner.length(); i++) {
      char ch = inner.charAt(i);
      if (ch == '\\' && i + 1 < inner.length() && inner.charAt(i + 1) == '|') {
        cell.append('|');
        i++;
      } else if (ch == '|') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(ch);
      }
    }
    cells.add(cell.toString().strip());
    return cells;
  }

  /** The code spans of a table cell, in order. */
  static List<String> codeSpans(String cell) {
    List<String> spans = new ArrayList<>();
    Matcher m = CODE.matcher(cell);
    while (m.find()) {
      spans.add(m.group(1));
    }
    return spans;
  }

  /** A heading's anchor as GitHub makes it. */
  static String slug(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }
}
