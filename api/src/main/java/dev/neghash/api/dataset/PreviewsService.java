package dev.neghash.api.dataset;

import dev.neghash.api.NeghashProperties;
import dev.neghash.api.storage.DataStore;
import dev.neghash.api.storage.LimitedInputStream;
import dev.neghash.api.problem.ServiceException;
import dev.neghash.engine.InvalidInputException;
import dev.neghash.engine.io.AtomicFiles;
import dev.neghash.engine.io.Npy;
import dev.neghash.engine.io.NpyHeader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Previews of a dataset's items, for people: small images ({@code previews.npy}, uint8, N x h x w
 * x c with c = 1 or 3) or one line of text per item ({@code previews.jsonl}, one JSON string per
 * line). Previews are stored once per dataset (delete them to replace them). Every file is written to
 * {@code data/tmp}, flushed and renamed into the dataset's folder.
 *
 * <p>One class for both kinds (about 370 lines): image and text previews share the staging,
 * the commit next to a dataset's other files and the item lookup; label names live in {@link
 * LabelNames}.
 */
@Service
public class PreviewsService {

  private static final Logger log = LoggerFactory.getLogger(PreviewsService.class);

  /** Largest image side accepted: previews are thumbnails. */
  static final int MAX_SIDE = 256;

  /** Most items one request may ask for. */
  static final int MAX_ITEMS = 256;

  /** Longest text returned per item, in characters (the stored text is kept whole). */
  static final int MAX_TEXT = 2000;


  private static final String IMAGES = "previews.npy";
  private static final String TEXT = "previews.jsonl";

  private final NeghashProperties props;
  private final DatasetService datasets;
  private final DataStore store;
  private final JsonMapper json;
  private final LabelNames labelNames;
  /** Line offsets of stored text previews, by dataset id (a stored file never changes). */
  private final Map<String, long[]> textOffsets = new ConcurrentHashMap<>();

  PreviewsService(NeghashProperties props, DatasetService datasets, DataStore store, JsonMapper json,
      LabelNames labelNames) {
    this.labelNames = labelNames;
    this.props = props;
    this.datasets = datasets;
    this.store = store;
    this.json = json;
  }

  // ------------------------------------------------------------------ upload

  /**
   * Stores image previews: a uint8 .npy of shape (N, h, w) or (N, h, w, 3), N the dataset's number
   * of items, h and w at most {@value #MAX_SIDE}. The body is streamed to a staging file.
   */
  public PreviewsInfo putImages(String id, InputStream body, long length) throws IOException {
    Dataset d = datasets.require(id);
    int n = knownItems(d);
    checkNotSet(d);
    LimitedInputStream in = LimitedInputStream.of(body, length, props.uploads().maxBytes().toBytes());
    NpyHeader h = NpyHeader.read(in);
    if (h.kind() != 'u' || h.itemSize() != 1) {
      throw new InvalidInputException("image previews must be uint8 (dtype |u1), got '" + h.descr() + "'");
    }
    if (h.fortranOrder()) {
      throw new InvalidInputException("image previews must be in C order, not Fortran order");
    }
    long[] s = h.shape();
    if (s.length != 3 && !(s.length == 4 && s[3] == 3)) {
      throw new InvalidInputException("image previews must have shape (N, h, w) or (N, h, w, 3), got " + h.shapeString());
    }
    if (s[0] != n) {
      throw new InvalidInputException("there are " + s[0] + " image previews but the dataset has N = " + n + " items");
    }
    if (s[1] < 1 || s[2] < 1 || s[1] > MAX_SIDE || s[2] > MAX_SIDE) {
      throw new InvalidInputException("image previews must be between 1 and " + MAX_SIDE + " pixels high and wide, got "
          + s[1] + " x " + s[2]);
    }
    int channels = s.length == 4 ? 3 : 1;
    long[] shape = {n, s[1], s[2], channels};
    long dataBytes = (long) n * s[1] * s[2] * channels;
    store(d, IMAGES, out -> {
      out.write(Npy.bytes("|u1", shape, new byte[0]));
      long copied = in.transferTo(out);
      if (copied != dataBytes) {
        throw new InvalidInputException("the image previews hold " + copied + " data bytes; their shape "
            + h.shapeString() + " needs " + dataBytes);
      }
    });
    log.info("dataset {}: {} image previews of {} x {} x {} stored", id, n, s[1], s[2], channels);
    return info(id);
  }

  /**
   * Stores text previews: JSON Lines, one line per item in item order, each a JSON string or an
   * object with a string field {@code text}.
   */
  public PreviewsInfo putText(String id, InputStream body, long length) throws IOException {
    Dataset d = datasets.require(id);
    int n = knownItems(d);
    checkNotSet(d);
    byte[] bytes = LimitedInputStream.of(body, length, props.uploads().maxSmallBytes().toBytes()).readAllBytes();
    String all;
    try {
      all = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new InvalidInputException("text previews must be UTF-8");
    }
    List<String> lines = new ArrayList<>(all.lines().toList());
    // A final newline is usual; empty lines inside are not items.
    while (!lines.isEmpty() && lines.getLast().isBlank()) {
      lines.removeLast();
    }
    if (lines.size() != n) {
      throw new InvalidInputException("there are " + lines.size() + " lines of text previews but the dataset has N = "
          + n + " items (one JSON Lines line per item)");
    }
    StringBuilder out = new StringBuilder(all.length() + n);
    for (int i = 0; i < n; i++) {
      out.append(json.writeValueAsString(textOf(lines.get(i), i))).append('\n');
    }
    byte[] normalised = out.toString().getBytes(StandardCharsets.UTF_8);
    store(d, TEXT, o -> o.write(normalised));
    log.info("dataset {}: {} text previews stored", id, n);
    return info(id);
  }

  private String textOf(String line, int item) {
    JsonNode node;
    try {
      node = json.readTree(line);
    } catch (JacksonException e) {
      throw new InvalidInputException("text preview line " + (item + 1) + " is not valid JSON");
    }
    if (node != null && node.isString()) {
      return node.asString();
    }
    if (node != null && node.isObject() && node.get("text") != null && node.get("text").isString()) {
      return node.get("text").asString();
    }
    throw new InvalidInputException("text preview line " + (item + 1)
        + " must be a JSON string or an object with a string field \"text\"");
  }

  /** Deletes a dataset's previews (not its label names), so new ones can be stored. */
  public void deletePreviews(String id) throws IOException {
    Dataset d = datasets.require(id);
    synchronized (d) {
      live(d);
      if (kind(d) == null) {
        throw ServiceException.notFound("previews of dataset", id);
      }
      Files.deleteIfExists(d.dir().resolve(IMAGES));
      Files.deleteIfExists(d.dir().resolve(TEXT));
      AtomicFiles.syncDirectory(d.dir());
      textOffsets.remove(id);
    }
  }

  // ------------------------------------------------------------------ reading

  /** What previews and label names a dataset has. */
  public PreviewsInfo info(String id) throws IOException {
    Dataset d = datasets.require(id);
    Map<Integer, String> names = labelNames.read(d);
    String kind = kind(d);
    if ("image".equals(kind)) {
      long[] s = imageShape(d);
      return new PreviewsInfo(id, kind, (int) s[0], (int) s[1], (int) s[2], (int) s[3], names);
    }
    if ("text".equals(kind)) {
      return new PreviewsInfo(id, kind, textLines(d).length, null, null, null, names);
    }
    return new PreviewsInfo(id, null, null, null, null, null, names);
  }

  /**
   * Some items with their labels, label names and previews.
   *
   * @throws ServiceException 400 when an id is outside 0..N-1 or there are too many
   */
  public PreviewItems items(String id, List<Integer> ids) throws IOException {
    Dataset d = datasets.require(id);
    if (ids == null || ids.isEmpty()) {
      throw ServiceException.invalid("invalid-request", "name the items with ids=1,2,3");
    }
    if (ids.size() > MAX_ITEMS) {
      throw ServiceException.invalid("invalid-request", "at most " + MAX_ITEMS + " items per request, got " + ids.size());
    }
    int n = knownItems(d);
    for (Integer i : ids) {
      if (i == null || i < 0 || i >= n) {
        throw new InvalidInputException("item " + i + " is outside 0.." + (n - 1) + " (the dataset has N = "
            + n + " items)");
      }
    }
    int[] labels = datasets.labels(d);
    Map<Integer, String> names = labelNames.read(d);
    String kind = kind(d);
    List<PreviewItems.Item> out = new ArrayList<>(ids.size());
    Integer height = null;
    Integer width = null;
    Integer channels = null;
    if ("image".equals(kind)) {
      long[] s = imageShape(d);
      height = (int) s[1];
      width = (int) s[2];
      channels = (int) s[3];
      int rowBytes = height * width * channels;
      long start = Npy.bytes("|u1", s, new byte[0]).length;
      try (FileChannel ch = FileChannel.open(d.dir().resolve(IMAGES), StandardOpenOption.READ)) {
        for (int i : ids) {
          ByteBuffer bb = ByteBuffer.allocate(rowBytes);
          readFully(ch, start + (long) i * rowBytes, bb);
          out.add(item(i, labels, names, null, bb.array()));
        }
      }
    } else if ("text".equals(kind)) {
      long[] offsets = textLines(d);
      try (FileChannel ch = FileChannel.open(d.dir().resolve(TEXT), StandardOpenOption.READ)) {
        for (int i : ids) {
          ByteBuffer bb = ByteBuffer.allocate((int) (offsets[i + 1] - offsets[i]));
          readFully(ch, offsets[i], bb);
          String text = json.readValue(bb.array(), String.class);
          out.add(item(i, labels, names, truncate(text, MAX_TEXT), null));
        }
      }
    } else {
      for (int i : ids) {
        out.add(item(i, labels, names, null, null));
      }
    }
    return new PreviewItems(id, kind, height, width, channels, out);
  }

  private static PreviewItems.Item item(int i, int[] labels, Map<Integer, String> names, String text, byte[] pixels) {
    Integer label = labels == null ? null : labels[i];
    String name = label == null || names == null ? null : names.get(label);
    return new PreviewItems.Item(i, label, name, text, pixels);
  }

  private static String kind(Dataset d) {
    if (Files.isRegularFile(d.dir().resolve(IMAGES))) {
      return "image";
    }
    return Files.isRegularFile(d.dir().resolve(TEXT)) ? "text" : null;
  }

  private static long[] imageShape(Dataset d) throws IOException {
    try (InputStream in = Files.newInputStream(d.dir().resolve(IMAGES))) {
      return NpyHeader.read(in).shape();
    }
  }

  /** Start offset of each line, plus the file's length at the end. */
  private long[] textLines(Dataset d) throws IOException {
    long[] cached = textOffsets.get(d.id());
    if (cached != null) {
      return cached;
    }
    List<Long> starts = new ArrayList<>();
    long pos = 0;
    try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(d.dir().resolve(TEXT)), 1 << 16)) {
      starts.add(0L);
      int b;
      while ((b = in.read()) >= 0) {
        pos++;
        if (b == '\n') {
          starts.add(pos);
        }
      }
    }
    // The file ends with a newline, so the last start is the end of the file.
    long[] offsets = starts.stream().mapToLong(Long::longValue).toArray();
    textOffsets.put(d.id(), offsets);
    return offsets;
  }

  // ------------------------------------------------------------------ helpers

  private static int knownItems(Dataset d) {
    int n = d.items();
    if (n < 0) {
      throw ServiceException.conflict("size-unknown",
          "the number of items is not known yet: upload labels or a snapshot before previews");
    }
    return n;
  }

  private static void checkNotSet(Dataset d) {
    if (kind(d) != null) {
      throw ServiceException.conflict("already-set", "dataset " + d.id()
          + " already has previews; delete them (DELETE .../previews) to store others");
    }
  }

  static void live(Dataset d) {
    if (d.deleted()) {
      throw ServiceException.notFound("dataset", d.id());
    }
  }

  /**
   * Writes the previews file {@code name} in a staging folder, then moves the complete file into the
   * dataset's folder, unless previews arrived meanwhile.
   */
  private void store(Dataset d, String name, AtomicFiles.Writer writer) throws IOException {
    Path staging = store.newStaging("previews-");
    try {
      Path staged = staging.resolve(name);
      AtomicFiles.write(staged, writer);
      synchronized (d) {
        live(d);
        checkNotSet(d);
        move(staged, d.dir().resolve(name));
        textOffsets.remove(d.id());
      }
    } finally {
      DataStore.deleteQuietly(staging);
    }
  }

  static void move(Path staged, Path target) throws IOException {
    try {
      Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the data folder must allow atomic renames: " + target.getParent(), e);
    }
    AtomicFiles.syncDirectory(target.getParent());
  }

  private static void readFully(FileChannel ch, long pos, ByteBuffer into) throws IOException {
    while (into.hasRemaining()) {
      if (ch.read(into, pos + into.position()) < 0) {
        throw new IOException("stored previews are truncated");
      }
    }
  }

  static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
