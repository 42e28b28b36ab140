package io.sluice.activities.ingest;

import java.util.ArrayList;
import java.util.List;

/**
 * A file's header as Sluice matches its names to columns: ingest and {@code sluice infer} alike.
 */
public final class CsvHeader {

  private CsvHeader() {}

  /** The names of a header's {@code fields}: the byte-order mark dropped, each name trimmed. */
  public static List<String> names(List<String> fields) {
    List<String> names = new ArrayList<>(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i);
      if (i == 0 && name.startsWith("\uFEFF")) {
        name = name.substring(1);
      }
      names.add(name.trim());
    }
    return names;
  }
}
