package io.sluice.activities.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The keys of a pipeline file, found from the {@link PipelineConfig} records (a list's items as
 * {@code []}, a mapping's entries as {@code .<name>}), and a parsed file's nodes at a key such as
 * {@code features.aggregates[2].column}: what the tests that hold every key to something walk.
 *
 * @param all every key, mappings and lists included
 * @param leaves the keys that hold a value rather than more keys
 */
public record PipelineKeys(SortedSet<String> all, SortedSet<String> leaves) {

  /** The keys of a pipeline file. */
  public static PipelineKeys ofPipelineFile() {
    SortedSet<String> all = new TreeSet<>();
    SortedSet<String> leaves = new TreeSet<>();
    walk("", PipelineConfig.class, all, leaves);
    return new PipelineKeys(
        Collections.unmodifiableSortedSet(all), Collections.unmodifiableSortedSet(leaves));
  }

  private static void walk(String prefix, Class<?> record, Set<String> all, Set<String> leaves) {
    Function<String, String> snake = new PropertyNamingStrategies.SnakeCaseStrategy()::translate;
    for (RecordComponent c : record.getRecordComponents()) {
      JsonProperty named = c.getAccessor().getAnnotation(JsonProperty.class);
      String key =
          prefix
              + (named != null && !named.value().isEmpty()
                  ? named.value()
                  : snake.apply(c.getName())); // @JsonProperty(access = ...) keeps the name
      all.add(key);
      Type type = c.getGenericType();
      Class<?> element = c.getType();
      if (type instanceof ParameterizedType p) {
        Type[] args = p.getActualTypeArguments();
        Class<?> last = (Class<?>) args[args.length - 1];
        if (List.class.isAssignableFrom(c.getType()) && last.isRecord()) {
          key = key + "[]";
          all.add(key);
          element = last;
        } else if (Map.class.isAssignableFrom(c.getType())) {
          key = key + ".<name>";
          all.add(key);
          element = last;
        }
      }
      if (element.isRecord()) {
        walk(key + ".", element, all, leaves);
      } else {
        leaves.add(key);
      }
    }
  }

  /** The node at a key such as {@code features.aggregates[2].column}; missing when absent. */
  public static JsonNode get(JsonNode root, String key) {
    JsonNode node = root;
    for (String step : steps(key)) {
      node = step.matches("\\d+") ? node.path(Integer.parseInt(step)) : node.path(step);
    }
    return node;
  }

  /** Sets the value at a key, making the mappings on the way. */
  public static void set(ObjectNode root, String key, JsonNode value) {
    List<String> steps = steps(key);
    JsonNode node = root;
    for (String step : steps.subList(0, steps.size() - 1)) {
      JsonNode next = step.matches("\\d+") ? node.get(Integer.parseInt(step)) : node.get(step);
      if (next == null) {
        next = ((ObjectNode) node).putObject(step);
      }
      node = next;
    }
    String last = steps.get(steps.size() - 1);
    if (last.matches("\\d+")) {
      ((ArrayNode) node).set(Integer.parseInt(last), value);
    } else {
      ((ObjectNode) node).set(last, value);
    }
  }

  private static List<String> steps(String key) {
    return Arrays.stream(key.split("[.\\[\\]]+")).filter(s -> !s.isEmpty()).toList();
  }
}
