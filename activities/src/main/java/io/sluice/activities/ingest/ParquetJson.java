package io.sluice.activities.ingest;

import io.sluice.activities.support.JsonText;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * A nested or repeated top-level Parquet field that no declared column reads, as the JSON kept in
 * the row's extras: a group is an object of its fields (absent ones left out), a repeated field an
 * array, a {@code LIST} an array of its elements (null where an element is null), a {@code MAP} an
 * object of its keys. Each leaf is the text a CSV would hold, as the flat extras are
 * (docs/sources.md#parquet). The JSON is written as parquet-java assembles the record, field by
 * field in the schema's order, so no tree is built.
 */
final class ParquetJson {

  /** What comes before each value a converter writes: a separator, a key, an opening bracket. */
  private interface Parent {
    void beforeValue(int field);
  }

  /** One top-level field: its converter, and its JSON for the current row. */
  static final class Field implements Parent {
    private final StringBuilder out = new StringBuilder(64);
    private final boolean repeated;
    private final Converter converter;
    private int values;

    Field(Type type) {
      this.repeated = type.isRepetition(Type.Repetition.REPEATED);
      this.converter = ParquetJson.converter(type, 0, this, out);
    }

    Converter converter() {
      return converter;
    }

    /** Before each row. */
    void reset() {
      out.setLength(0);
      values = 0;
    }

    @Override
    public void beforeValue(int field) {
      if (values++ == 0) {
        if (repeated) {
          out.append('[');
        }
      } else {
        out.append(',');
      }
    }

    /** The field's JSON in the row just read, or null when the row has no value for it. */
    String json() {
      if (values == 0) {
        return null;
      }
      return repeated ? out.append(']').toString() : out.toString();
    }
  }

  private static Converter converter(Type type, int index, Parent parent, StringBuilder out) {
    if (type.isPrimitive()) {
      return new Leaf(type.asPrimitiveType(), index, parent, out, false);
    }
    GroupType group = type.asGroupType();
    LogicalTypeAnnotation logical = group.getLogicalTypeAnnotation();
    boolean oneRepeated =
        group.getFieldCount() == 1 && group.getType(0).isRepetition(Type.Repetition.REPEATED);
    if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation && oneRepeated) {
      return Sequence.list(group, index, parent, out);
    }
    if ((logical instanceof LogicalTypeAnnotation.MapLogicalTypeAnnotation
            || logical instanceof LogicalTypeAnnotation.MapKeyValueTypeAnnotation)
        && oneRepeated
        && isMapEntry(group.getType(0))) {
      return Sequence.map(group, index, parent, out);
    }
    // anything else, a map or list not in the forms the format describes included, as an object
    return new ObjectGroup(group, index, parent, out);
  }

  /** A map's entry as the format describes it: a required primitive key, at most one value. */
  private static boolean isMapEntry(Type entry) {
    if (entry.isPrimitive()) {
      return false;
    }
    GroupType g = entry.asGroupType();
    return g.getFieldCount() <= 2
        && g.getType(0).isPrimitive()
        && g.getType(0).isRepetition(Type.Repetition.REQUIRED)
        && (g.getFieldCount() == 1 || !g.getType(1).isRepetition(Type.Repetition.REPEATED));
  }

  /** A group as an object of its fields; a repeated field's values as an array. */
  private static final class ObjectGroup extends GroupConverter implements Parent {
    private final int index;
    private final Parent parent;
    private final StringBuilder out;
    private final String[] names;
    private final boolean[] repeated;
    private final Converter[] fields;
    private int open;
    private int count;

    ObjectGroup(GroupType group, int index, Parent parent, StringBuilder out) {
      this.index = index;
      this.parent = parent;
      this.out = out;
      int n = group.getFieldCount();
      names = new String[n];
      repeated = new boolean[n];
      fields = new Converter[n];
      for (int i = 0; i < n; i++) {
        Type t = group.getType(i);
        names[i] = t.getName();
        repeated[i] = t.isRepetition(Type.Repetition.REPEATED);
        fields[i] = converter(t, i, this, out);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {
      parent.beforeValue(index);
      out.append('{');
      open = -1;
      count = 0;
    }

    @Override
    public void beforeValue(int field) {
      if (field == open) {
        out.append(','); // the next value of the repeated field open
        return;
      }
      if (open >= 0 && repeated[open]) {
        out.append(']');
      }
      if (count++ > 0) {
        out.append(',');
      }
      JsonText.string(out, names[field]);
      out.append(':');
      if (repeated[field]) {
        out.append('[');
      }
      open = field;
    }

    @Override
    public void end() {
      if (open >= 0 && repeated[open]) {
        out.append(']');
      }
      out.append('}');
    }
  }

  /**
   * A {@code LIST} (an array of its elements) or a {@code MAP} (an object of its entries): brackets
   * around the values of its one repeated field, separated by commas.
   */
  private static final class Sequence extends GroupConverter implements Parent {
    private final char open;
    private final char close;
    private final int index;
    private final Parent parent;
    private final StringBuilder out;
    private final Converter repeated;
    private int count;

    /**
     * A {@code LIST}. Its one repeated field is the element itself when it is a primitive, a group
     * of several fields or of one repeated field, or named as the older writers name it ({@code
     * array}, {@code <name>_tuple}); otherwise it wraps the element (the three-level form).
     */
    static Sequence list(GroupType group, int index, Parent parent, StringBuilder out) {
      Type repeated = group.getType(0);
      boolean wraps =
          !repeated.isPrimitive()
              && repeated.asGroupType().getFieldCount() == 1
              && !repeated.asGroupType().getType(0).isRepetition(Type.Repetition.REPEATED)
              && !repeated.getName().equals("array")
              && !repeated.getName().equals(group.getName() + "_tuple");
      return new Sequence(
          '[',
          ']',
          index,
          parent,
          out,
          self ->
              wraps
                  ? OrNull.element(repeated.asGroupType(), self, out)
                  : converter(repeated, 0, self, out));
    }

    /** A {@code MAP}: an object of its keys (as text), each with its value (null when absent). */
    static Sequence map(GroupType group, int index, Parent parent, StringBuilder out) {
      return new Sequence(
          '{',
          '}',
          index,
          parent,
          out,
          self -> OrNull.entry(group.getType(0).asGroupType(), self, out));
    }

    private Sequence(
        char open,
        char close,
        int index,
        Parent parent,
        StringBuilder out,
        java.util.function.Function<Parent, Converter> repeated) {
      this.open = open;
      this.close = close;
      this.index = index;
      this.parent = parent;
      this.out = out;
      this.repeated = repeated.apply(this);
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return repeated;
    }

    @Override
    public void start() {
      parent.beforeValue(index);
      out.append(open);
      count = 0;
    }

    @Override
    public void beforeValue(int field) {
      if (count++ > 0) {
        out.append(',');
      }
    }

    @Override
    public void end() {
      out.append(close);
    }
  }

  /**
   * The repeated group around a list's element, or a map's key-value entry: its value, or null when
   * the row has none (a null element, a key without a value).
   */
  private static final class OrNull extends GroupConverter implements Parent {
    private final Parent parent;
    private final StringBuilder out;
    private final Converter[] fields;
    private final int valueField;
    private boolean valued;

    /** A list's element wrapper: its one field is the element. */
    static OrNull element(GroupType wrapper, Parent list, StringBuilder out) {
      return new OrNull(wrapper, list, out, false);
    }

    /** A map's entry: its key (as text, then a colon), then its value. */
    static OrNull entry(GroupType entry, Parent map, StringBuilder out) {
      return new OrNull(entry, map, out, true);
    }

    private OrNull(GroupType group, Parent parent, StringBuilder out, boolean keyed) {
      this.parent = parent;
      this.out = out;
      this.valueField = keyed ? 1 : 0;
      this.fields = new Converter[group.getFieldCount()];
      for (int i = 0; i < fields.length; i++) {
        fields[i] =
            keyed && i == 0
                ? new Leaf(group.getType(0).asPrimitiveType(), 0, this, out, true)
                : converter(group.getType(i), i, this, out);
      }
    }

    @Override
    public Converter getConverter(int fieldIndex) {
      return fields[fieldIndex];
    }

    @Override
    public void start() {
      parent.beforeValue(0);
      valued = false;
    }

    @Override
    public void beforeValue(int field) {
      if (field == valueField) {
        valued = true;
      }
    }

    @Override
    public void end() {
      if (!valued) {
        out.append("null");
      }
    }
  }

  /** A value: a JSON string of the text a CSV would hold (followed by a colon as a map's key). */
  private static final class Leaf extends PrimitiveConverter {
    private final PrimitiveType type;
    private final int index;
    private final Parent parent;
    private final StringBuilder out;
    private final boolean key;
    private final boolean string;

    Leaf(PrimitiveType type, int index, Parent parent, StringBuilder out, boolean key) {
      this.type = type;
      this.index = index;
      this.parent = parent;
      this.out = out;
      this.key = key;
      this.string = ParquetRecords.isString(type);
    }

    private void add(Object v) {
      parent.beforeValue(index);
      JsonText.string(out, ParquetRecords.text(type, v));
      if (key) {
        out.append(':');
      }
    }

    @Override
    public void addBinary(Binary v) {
      add(string ? v.toStringUsingUTF8() : v);
    }

    @Override
    public void addBoolean(boolean v) {
      add(v ? "true" : "false");
    }

    @Override
    public void addDouble(double v) {
      add(v);
    }

    @Override
    public void addFloat(float v) {
      add(v);
    }

    @Override
    public void addInt(int v) {
      add(v);
    }

    @Override
    public void addLong(long v) {
      add(v);
    }
  }
}
