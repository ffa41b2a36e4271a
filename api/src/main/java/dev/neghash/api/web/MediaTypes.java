package dev.neghash.api.web;

import java.nio.file.Path;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** The media types the API speaks beyond JSON, and file responses. */
public final class MediaTypes {

  /** NumPy .npy. */
  public static final String NPY_VALUE = "application/x-npy";

  /** NumPy .npy. */
  public static final MediaType NPY = MediaType.parseMediaType(NPY_VALUE);

  /** JSON Lines: one JSON object per line. */
  public static final String JSONL_VALUE = "application/x-ndjson";

  /** JSON Lines. */
  public static final MediaType JSONL = MediaType.parseMediaType(JSONL_VALUE);

  private MediaTypes() {}

  /** A stored .npy file as a download named {@code name}. */
  public static ResponseEntity<Resource> npyFile(Path file, String name) {
    HttpHeaders h = new HttpHeaders();
    h.setContentType(NPY);
    h.setContentDisposition(ContentDisposition.attachment().filename(name).build());
    return ResponseEntity.ok().headers(h).body(new FileSystemResource(file));
  }
}
