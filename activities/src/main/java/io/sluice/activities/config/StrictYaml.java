package io.sluice.activities.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * A pipeline file read as the SnakeYAML events Jackson reads it from, to refuse what Jackson would
 * read as something else than what is written: it reads an alias as its anchor's name, a merge key
 * as an ordinary key, and keeps the last value of a repeated key. Where each key is written is kept
 * too: Jackson reports an unknown key where the mapping holding it ends.
 */
final class StrictYaml {

  private final Map<List<Object>, Mark> keys;

  private StrictYaml(Map<List<Object>, Mark> keys) {
    this.keys = keys;
  }

  /**
   * Reads the first document of {@code yaml}, the one Jackson reads; throws {@link
   * BadConfigException} naming {@code where}, the line and the column. Reading stops quietly at a
   * syntax error: Jackson's parse of the same text reports it, as it always has.
   */
  static StrictYaml read(String where, String yaml) {
    Map<List<Object>, Mark> keys = new HashMap<>();
    Deque<Open> open = new ArrayDeque<>();
    Parser parser = new ParserImpl(new StreamReader(yaml), new LoaderOptions());
    try {
      for (Event e = parser.getEvent(); !e.is(Event.ID.StreamEnd); e = parser.getEvent()) {
        if (e.is(Event.ID.MappingEnd) || e.is(Event.ID.SequenceEnd)) {
          open.pop();
          if (open.isEmpty()) {
            break;
          }
          continue;
        }
        if (!(e instanceof NodeEvent node)) {
          continue; // the start and end of the stream and of a document
        }
        requireSpelledOut(where, node);
        Open parent = open.peek();
        if (parent != null && parent.awaitsKey()) {
          if (!(node instanceof ScalarEvent key)) {
            break; // a mapping or list as a key, which Jackson refuses
          }
          parent.key(where, key, keys);
          continue;
        }
        List<Object> path = parent == null ? List.of() : parent.nextPath();
        if (e.is(Event.ID.MappingStart) || e.is(Event.ID.SequenceStart)) {
          open.push(new Open(path, e.is(Event.ID.MappingStart)));
        } else if (parent == null) {
          break; // the document is a single value
        }
      }
      requireOneDocument(where, parser);
    } catch (YAMLException e) {
      // a syntax error: left to Jackson's parse
    }
    return new StrictYaml(keys);
  }

  /** "line N, column M" where the key at {@code path} is written, or null when it is not. */
  String whereWritten(List<Object> path) {
    Mark at = keys.get(path);
    return at == null ? null : lineAndColumn(at);
  }

  /** A key path as messages name it: {@code features.aggregates[2].window}. */
  static String path(List<Object> steps) {
    StringBuilder b = new StringBuilder();
    for (Object step : steps) {
      if (step instanceof Integer index) {
        b.append('[').append(index).append(']');
      } else {
        if (!b.isEmpty()) {
          b.append('.');
        }
        b.append(step);
      }
    }
    return b.toString();
  }

  /** After the first document: Jackson would read no further, so there must be nothing more. */
  private static void requireOneDocument(String where, Parser parser) {
    while (parser.peekEvent() != null && !parser.checkEvent(Event.ID.StreamEnd)) {
      Event e = parser.getEvent();
      if (e.is(Event.ID.DocumentStart)) {
        throw new BadConfigException(
            where
                + ": a second YAML document ("
                + lineAndColumn(e.getStartMark())
                + "): a pipeline file holds one document, and everything after the first would"
                + " be ignored; remove the '---' or move the rest into its own file");
      }
    }
  }

  private static void requireSpelledOut(String where, NodeEvent node) {
    if (node instanceof AliasEvent) {
      throw notSpelledOut(where, "alias '*" + node.getAnchor() + "'", node.getStartMark());
    }
    if (node.getAnchor() != null) {
      throw notSpelledOut(where, "anchor '&" + node.getAnchor() + "'", node.getStartMark());
    }
  }

  private static BadConfigException notSpelledOut(String where, String what, Mark at) {
    return new BadConfigException(
        where
            + ": "
            + what
            + " ("
            + lineAndColumn(at)
            + "): pipeline files must spell values out; write the value itself instead of an"
            + " anchor (&name), alias (*name) or merge key (<<)");
  }

  private static String lineAndColumn(Mark at) {
    return "line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1);
  }

  /** A mapping or list being read: its path, and the key of its next value or its next index. */
  private static final class Open {
    private final List<Object> path;
    private final boolean mapping;
    private String key;
    private int index;

    Open(List<Object> path, boolean mapping) {
      this.path = path;
      this.mapping = mapping;
    }

    boolean awaitsKey() {
      return mapping && key == null;
    }

    /** Takes {@code event} as the next key, refusing a merge key and a key written before. */
    void key(String where, ScalarEvent event, Map<List<Object>, Mark> keys) {
      Mark at = event.getStartMark();
      if (event.isPlain() && "<<".equals(event.getValue())) {
        throw notSpelledOut(where, "merge key '<<'", at);
      }
      List<Object> keyPath = append(event.getValue());
      Mark first = keys.putIfAbsent(keyPath, at);
      if (first != null) {
        throw new BadConfigException(
            where
                + ": key '"
                + path(keyPath)
                + "' is repeated ("
                + lineAndColumn(at)
                + "; first at "
                + lineAndColumn(first)
                + "): YAML would keep only the last value; write the key once");
      }
      key = event.getValue();
    }

    /** The path of the value or item that comes next. */
    List<Object> nextPath() {
      if (!mapping) {
        return append(index++);
      }
      List<Object> next = append(key);
      key = null;
      return next;
    }

    private List<Object> append(Object step) {
      List<Object> longer = new ArrayList<>(path);
      longer.add(step);
      return List.copyOf(longer);
    }
  }
}
