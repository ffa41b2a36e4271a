package dev.neghash.api.dataset;

import dev.neghash.api.NeghashProperties;
import dev.neghash.api.storage.DataStore;
import dev.neghash.api.storage.LimitedInputStream;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.AtomicFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The names of a dataset's labels, for people (the dashboard shows them beside the integers):
 * stored as one JSON object from label to name, replaceable at any time.
 */
@Service
public class LabelNames {

  private static final String NAMES = "label_names.json";

  /** Longest label name. */
  static final int MAX_NAME = 200;

  private final NeghashProperties props;
  private final DatasetService datasets;
  private final DataStore store;
  private final JsonMapper json;

  LabelNames(NeghashProperties props, DatasetService datasets, DataStore store, JsonMapper json) {
    this.props = props;
    this.datasets = datasets;
    this.store = store;
    this.json = json;
  }

  /**
   * Stores (or replaces) label names: a JSON object from label to name ({@code {"0": "T-shirt"}})
   * or a JSON array of names indexed by label.
   */
  public void put(String id, InputStream body, long length) throws IOException {
    Dataset d = datasets.require(id);
    byte[] bytes = LimitedInputStream.of(body, length, props.uploads().maxSmallBytes().toBytes()).readAllBytes();
    JsonNode root;
    try {
      root = json.readTree(new ByteArrayInputStream(bytes));
    } catch (JacksonException e) {
      throw new InvalidInputException("label names must be a JSON object (label -> name) or a JSON array of names");
    }
    TreeMap<Integer, String> names = new TreeMap<>();
    if (root != null && root.isArray()) {
      for (int i = 0; i < root.size(); i++) {
        names.put(i, name(root.get(i), String.valueOf(i)));
      }
    } else if (root != null && root.isObject()) {
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        int label;
        try {
          label = Integer.parseInt(e.getKey().strip());
        } catch (NumberFormatException ex) {
          throw new InvalidInputException("label names: '" + PreviewsService.truncate(e.getKey(), 40) + "' is not an integer label");
        }
        names.put(label, name(e.getValue(), e.getKey()));
      }
    } else {
      throw new InvalidInputException("label names must be a JSON object (label -> name) or a JSON array of names");
    }
    if (names.isEmpty()) {
      throw new InvalidInputException("label names: the list is empty");
    }
    byte[] stored = json.writeValueAsBytes(names);
    Path staging = store.newStaging("label-names-");
    try {
      Path file = staging.resolve(NAMES);
      AtomicFiles.write(file, o -> o.write(stored));
      synchronized (d) {
        PreviewsService.live(d);
        PreviewsService.move(file, d.dir().resolve(NAMES));
      }
    } finally {
      DataStore.deleteQuietly(staging);
    }
  }

  private static String name(JsonNode v, String label) {
    if (v == null || !v.isString()) {
      throw new InvalidInputException("label names: the name of label " + PreviewsService.truncate(label, 40) + " must be a string");
    }
    String s = v.asString();
    if (s.isBlank() || s.length() > MAX_NAME) {
      throw new InvalidInputException("label names: the name of label " + PreviewsService.truncate(label, 40) + " must have 1 to "
          + MAX_NAME + " characters");
    }
    return s;
  }

  /** The label names of a dataset, or null when none are stored. */
  public Map<Integer, String> read(Dataset d) throws IOException {
    Path f = d.dir().resolve(NAMES);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    Map<Integer, String> out = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : json.readTree(Files.readAllBytes(f)).properties()) {
      out.put(Integer.parseInt(e.getKey()), e.getValue().asString());
    }
    return Collections.unmodifiableMap(out);
  }
}
