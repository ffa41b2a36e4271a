package dev.neghash.api.storage;

import dev.neghash.api.NeghashProperties;
import dev.neghash.engine.io.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * The data folder and the rules that make it crash-safe.
 *
 * <p>Layout: {@code datasets/<ds>/dataset.json} (+ {@code labels.npy}, {@code split.npy}, {@code
 * positives.npy}), {@code datasets/<ds>/snapshots/<sn>/} ({@code snapshot.json}, {@code
 * codes.npy}, optional {@code floats.f32}), {@code jobs/<job>/} ({@code job.json}, {@code
 * result/}), and {@code tmp/} for uploads in progress, spill files and deletions.
 *
 * <p>Every file is written to a temporary name, flushed and renamed ({@link AtomicFiles}); a new
 * resource is assembled in a folder under {@code tmp/} and renamed into place only when complete,
 * manifest included. {@code tmp/} is emptied at start-up, so whatever a crash interrupted leaves
 * nothing behind. Folder names come from {@link Ids}, never from a client.
 */
@Component
public class DataStore {

  private static final Logger log = LoggerFactory.getLogger(DataStore.class);

  private final Path root;
  private final Path datasets;
  private final Path jobs;
  private final Path tmp;
  private final JsonMapper json;
  private volatile long sizedAt;
  private volatile long sized;

  /** Opens (creating if needed) the data folder and clears what an earlier run left unfinished. */
  public DataStore(NeghashProperties props, JsonMapper json) {
    this.json = json;
    this.root = props.dataDir().toAbsolutePath().normalize();
    this.datasets = root.resolve("datasets");
    this.jobs = root.resolve("jobs");
    this.tmp = root.resolve("tmp");
    try {
      Files.createDirectories(datasets);
      Files.createDirectories(jobs);
      Files.createDirectories(tmp);
      try (Stream<Path> left = Files.list(tmp)) {
        for (Path p : left.toList()) {
          log.info("removing unfinished work left by an earlier run: {}", root.relativize(p));
          deleteRecursively(p);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the data folder " + root, e);
    }
    log.info("data folder {} ({} bytes stored)", root, bytesStored());
  }

  /** The data folder. */
  public Path root() {
    return root;
  }

  /** Folder of all datasets. */
  public Path datasetsDir() {
    return datasets;
  }

  /** Folder of all jobs. */
  public Path jobsDir() {
    return jobs;
  }

  /** Where the encoder spills projections. */
  public Path spillDir() {
    return tmp.resolve("spill");
  }

  /** Bytes in datasets and jobs (what the service reports as stored), measured at most once a second. */
  public long bytesStored() {
    long now = System.nanoTime();
    if (sizedAt == 0 || now - sizedAt > 1_000_000_000L) {
      try {
        sized = sizeOf(datasets) + sizeOf(jobs);
      } catch (IOException | UncheckedIOException e) {
        // a folder removed while being measured: keep the last figure
      }
      sizedAt = now;
    }
    return sized;
  }

  /** A new empty staging folder under {@code tmp/}. */
  public Path newStaging(String prefix) throws IOException {
    return Files.createTempDirectory(tmp, prefix);
  }

  /** Writes {@code value} as JSON to {@code file}, atomically. */
  public void writeJson(Path file, Object value) throws IOException {
    byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
    AtomicFiles.write(file, out -> out.write(bytes));
  }

  /** Reads a JSON manifest. */
  public <T> T readJson(Path file, Class<T> type) throws IOException {
    return json.readValue(Files.readAllBytes(file), type);
  }

  /**
   * Moves a complete staging folder to {@code target} (which must not exist) in one rename and
   * flushes the parent folder, so the resource appears whole or not at all.
   */
  public void commit(Path staging, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the data folder must allow atomic renames: " + root, e);
    }
    AtomicFiles.syncDirectory(target.getParent());
  }

  /**
   * Deletes a resource folder: one rename out of the live tree (so a crash never leaves half a
   * resource visible), then removal of the renamed folder.
   */
  public void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Path trash = tmp.resolve("deleted-" + Ids.next("job").substring(4));
    Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.syncDirectory(dir.getParent());
    deleteRecursively(trash);
  }

  /** Removes a folder and everything in it; missing is fine. */
  public static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    Files.walkFileTree(p, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** Best-effort removal for clean-up paths that must not mask the original failure. */
  public static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      deleteRecursively(p);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", p, e.toString());
    }
  }

  /** Sub-folders of {@code dir} whose names are well-formed ids. */
  public List<Path> idFolders(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.sorted().toList()) {
        if (Files.isDirectory(p) && Ids.wellFormed(p.getFileName().toString())) {
          out.add(p);
        } else {
          log.warn("ignoring {} in the data folder: not a resource of this service", p);
        }
      }
    }
    return out;
  }

  /** A resource folder and its manifest. */
  public record Stored<T>(Path dir, T manifest) {}

  /**
   * The manifests (file {@code name}) of the resources in {@code dir}, in folder order; a folder
   * without its manifest is logged and passed over.
   */
  public <T> List<Stored<T>> manifests(Path dir, String name, Class<T> type) throws IOException {
    List<Stored<T>> out = new ArrayList<>();
    for (Path d : idFolders(dir)) {
      Path mf = d.resolve(name);
      if (Files.isRegularFile(mf)) {
        out.add(new Stored<>(d, readJson(mf, type)));
      } else {
        log.warn("ignoring {}: no {}", d, name);
      }
    }
    return out;
  }

  /** Total size of the regular files under {@code p}. */
  public static long sizeOf(Path p) throws IOException {
    if (!Files.exists(p)) {
      return 0;
    }
    if (Files.isRegularFile(p)) {
      return Files.size(p);
    }
    try (Stream<Path> s = Files.walk(p)) {
      return s.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    }
  }
}
