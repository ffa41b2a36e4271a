package dev.neghash.bench.harness;

import dev.neghash.engine.util.Parallel;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene102.Lucene102HnswBinaryQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NoMergePolicy;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.Bits;

/**
 * Apache Lucene's HNSW graph as a mining method, in this JVM: an index of one {@link
 * KnnFloatVectorField} per item (dot product over the unit rows) with {@link
 * Lucene99HnswVectorsFormat} (float32 vectors) or {@link Lucene102HnswBinaryQuantizedVectorsFormat}
 * (1 bit per dimension plus corrections, graph searched on the quantized vectors), written to a
 * memory-mapped directory.
 *
 * <p><b>Build.</b> One thread adds all items into one in-memory segment; Lucene inserts each
 * vector into the graph as it is added, so the graph is built on that one thread, and the flush
 * writes one segment with one graph over all N items. (Adding from T threads gives T segments
 * whose {@code forceMerge(1)} with T HNSW merge workers took longer than one thread in our tests:
 * 35-53 s against 21-26 s for 20,000 x 768 on a shared 2-core machine.) Lucene flushes a
 * segment when its in-memory buffer reaches its per-thread hard limit (under 2 GB), so a larger
 * index (1,000,000 x 768 float32 is 3 GB) arrives in several segments, which are then merged into
 * one ({@code forceMerge(1)}, Lucene's HNSW merge). The build time is all of it: adding,
 * flushing, merging, committing and opening the reader.
 *
 * <p><b>Labels.</b> Each search passes an accept-docs filter that admits only items of another
 * label than the anchor's (the anchor itself is one of its label), which Lucene's graph search
 * honours while it walks the graph: the result is the approximate top-k of the admissible items,
 * k of them whenever k are admissible, without over-fetching. The search explores with a beam of
 * {@code ef} (the collector's size, at least k) and keeps the best k.
 */
final class LuceneHnsw implements Closeable {

  static final String FIELD = "v";
  static final String ID = "id";

  private final Directory dir;
  private final Path path;
  private final DirectoryReader reader;
  private final LeafReader leaf;
  private final int[] docToItem;
  private final double buildSeconds;
  private final long indexBytes;
  private final int flushedSegments;

  private LuceneHnsw(Directory dir, Path path, DirectoryReader reader, int[] docToItem, double buildSeconds,
      long indexBytes, int flushedSegments) {
    this.dir = dir;
    this.path = path;
    this.reader = reader;
    this.leaf = reader.leaves().get(0).reader();
    this.docToItem = docToItem;
    this.buildSeconds = buildSeconds;
    this.indexBytes = indexBytes;
    this.flushedSegments = flushedSegments;
  }

  /**
   * Builds the index of the unit rows {@code x} ({@code n x d}) in a new directory {@code path}.
   *
   * @param binaryQuantized Lucene102's binary-quantized HNSW format instead of float32 HNSW
   * @param m HNSW max connections per node
   * @param beamWidth HNSW beam width while building (efConstruction)
   */
  static LuceneHnsw build(float[] x, int n, int d, boolean binaryQuantized, int m, int beamWidth, Path path)
      throws IOException {
    return build(x, n, d, binaryQuantized, m, beamWidth, path, 2047);
  }

  /** As above, with Lucene's per-thread buffer limit (in MB) before it flushes a segment. */
  static LuceneHnsw build(float[] x, int n, int d, boolean binaryQuantized, int m, int beamWidth, Path path,
      int bufferLimitMb) throws IOException {
    long t0 = System.nanoTime();
    KnnVectorsFormat format = binaryQuantized
        ? new Lucene102HnswBinaryQuantizedVectorsFormat(m, beamWidth)
        : new Lucene99HnswVectorsFormat(m, beamWidth);
    Lucene103Codec codec = new Lucene103Codec() {
      @Override
      public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return format;
      }
    };
    IndexWriterConfig cfg = new IndexWriterConfig()
        .setCodec(codec)
        .setUseCompoundFile(false)
        .setMergePolicy(NoMergePolicy.INSTANCE)
        .setMaxBufferedDocs(n + 1)
        .setRAMBufferSizeMB(IndexWriterConfig.DISABLE_AUTO_FLUSH)
        .setRAMPerThreadHardLimitMB(bufferLimitMb);
    Files.createDirectories(path);
    Directory dir = FSDirectory.open(path);
    try (IndexWriter w = new IndexWriter(dir, cfg)) {
      for (int i = 0; i < n; i++) {
        Document doc = new Document();
        doc.add(new KnnFloatVectorField(FIELD, Arrays.copyOfRange(x, i * d, i * d + d),
            VectorSimilarityFunction.DOT_PRODUCT));
        doc.add(new NumericDocValuesField(ID, i));
        w.addDocument(doc);
      }
      w.commit();
    }
    DirectoryReader reader = DirectoryReader.open(dir);
    int flushed = reader.leaves().size();
    if (flushed != 1) {
      reader.close();
      try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig().setCodec(codec).setUseCompoundFile(false))) {
        w.forceMerge(1);
        w.commit();
      }
      reader = DirectoryReader.open(dir);
      if (reader.leaves().size() != 1) {
        throw new IllegalStateException("expected one segment after merging, got " + reader.leaves().size());
      }
    }
    LeafReader leaf = reader.leaves().get(0).reader();
    int[] docToItem = new int[leaf.maxDoc()];
    NumericDocValues ids = leaf.getNumericDocValues(ID);
    for (int doc = ids.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ids.nextDoc()) {
      docToItem[doc] = (int) ids.longValue();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long bytes = 0;
    try (Stream<Path> files = Files.list(path)) {
      for (Path f : files.toList()) {
        bytes += Files.size(f);
      }
    }
    return new LuceneHnsw(dir, path, reader, docToItem, seconds, bytes, flushed);
  }

  /** Wall time of {@link #build}. */
  double buildSeconds() {
    return buildSeconds;
  }

  /** Segments Lucene flushed while the items were added (more than one were merged into one). */
  int flushedSegments() {
    return flushedSegments;
  }

  /** Bytes of the committed index files (vectors, graph, quantized vectors, doc values). */
  long indexBytes() {
    return indexBytes;
  }

  /** What one search did: the lists and the graph nodes visited. */
  record Result(int[] ids, long visited) {}

  /**
   * Approximate top-k of each anchor (sorted item ids) among the items of another label, by graph
   * search with a beam of {@code max(k, ef)}. Row {@code r} of the result is anchor {@code
   * anchors[r]}, best first, -1 padded where fewer than k items were found.
   */
  Result search(float[] x, int d, int[] labels, int[] anchors, int k, int ef, int threads) {
    int[] out = new int[anchors.length * k];
    Arrays.fill(out, -1);
    AtomicLong visited = new AtomicLong();
    int beam = Math.max(k, ef);
    int t = Math.max(1, threads);
    int grain = Math.max(1, Math.min(256, (anchors.length + 4 * t - 1) / (4 * t)));
    Parallel.forRange(t, anchors.length, grain, (from, to) -> {
      long v = 0;
      float[] q = new float[d];
      for (int r = from; r < to; r++) {
        int a = anchors[r];
        System.arraycopy(x, a * d, q, 0, d);
        int label = labels[a];
        Bits other = new Bits() {
          @Override
          public boolean get(int doc) {
            return labels[docToItem[doc]] != label;
          }

          @Override
          public int length() {
            return docToItem.length;
          }
        };
        TopKnnCollector c = new TopKnnCollector(beam, Integer.MAX_VALUE);
        try {
          leaf.searchNearestVectors(FIELD, q, c, AcceptDocs.fromLiveDocs(other, docToItem.length));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        v += c.visitedCount();
        TopDocs td = c.topDocs();
        ScoreDoc[] sd = td.scoreDocs;
        for (int j = 0; j < Math.min(k, sd.length); j++) {
          out[r * k + j] = docToItem[sd[j].doc];
        }
      }
      visited.addAndGet(v);
    });
    return new Result(out, visited.get());
  }

  @Override
  public void close() throws IOException {
    reader.close();
    dir.close();
    try (Stream<Path> files = Files.list(path)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(path);
  }
}
