package dev.neghash.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.neghash.engine.io.Npy;
import dev.neghash.engine.lsh.Encoder;
import dev.neghash.engine.lsh.PackedCodes;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.assertj.MvcTestResult;
import tools.jackson.databind.JsonNode;

/** Controller tests of datasets, labels, split, positive pairs and snapshot uploads. */
@WebMvcTest
class DatasetApiTest extends ApiTestSupport {

  private static final int N = 60;
  private static final int D = 8;

  @Test
  void createGetListDelete() {
    MvcTestResult r = mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON)
        .content("{\"name\":\"epochs\",\"dims\":768}").exchange();
    assertThat(r).hasStatus(201);
    JsonNode ds = json(r);
    String id = ds.get("id").asString();
    assertThat(id).matches("ds_[a-z2-7]{16}");
    assertThat(r.getResponse().getHeader("Location")).isEqualTo("/api/v1/datasets/" + id);
    assertThat(ds.get("bits").asInt()).isEqualTo(512);
    assertThat(ds.get("seed").asLong()).isEqualTo(42);
    assertThat(ds.get("center").asBoolean()).isTrue();
    assertThat(ds.get("bytesPerItem").asInt()).isEqualTo(64);
    assertThat(ds.get("items").isNull()).isTrue();

    assertThat(mvc.get().uri("/api/v1/datasets/" + id)).hasStatusOk().bodyJson().extractingPath("$.name").isEqualTo("epochs");
    assertThat(mvc.get().uri("/api/v1/datasets")).hasStatusOk().bodyJson().extractingPath("$[*].id").asArray().contains(id);
    assertThat(mvc.delete().uri("/api/v1/datasets/" + id)).hasStatus(204);
    assertThat(mvc.get().uri("/api/v1/datasets/" + id)).hasStatus(404);
    assertThat(store.root().resolve("datasets").resolve(id)).doesNotExist();
  }

  @Test
  void createRejectsBadSettings() {
    assertProblem(mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON).content("{\"bits\":512}").exchange(),
        400, "invalid-request", "dims must not be null");
    assertProblem(mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON).content("{\"dims\":8,\"bits\":100}").exchange(),
        400, "invalid-request", "bits must be a multiple of 64");
    assertProblem(mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON).content("{\"dims\":8,\"bits\":8192}").exchange(),
        400, "invalid-request", "bits must be less than or equal to 4096");
    assertProblem(mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON).content("{\"dims\":8,\"bitz\":64}").exchange(),
        400, "malformed-json", "unknown field 'bitz'");
    assertProblem(mvc.post().uri("/api/v1/datasets").contentType(MediaType.APPLICATION_JSON).content("{\"dims\":").exchange(),
        400, "malformed-json", "malformed JSON");
    assertThat(mvc.post().uri("/api/v1/datasets").contentType(MediaType.TEXT_PLAIN).content("dims=8")).hasStatus(415);
  }

  @Test
  void unknownIdsAre404AndEncodedSlashesAre400WithoutTouchingTheDisk() {
    assertProblem(mvc.get().uri("/api/v1/datasets/ds_aaaaaaaaaaaaaaaa").exchange(), 404, "not-found", "no dataset");
    assertProblem(mvc.get().uri("/api/v1/datasets/..%2F..%2Fetc").exchange(), 400, "rejected-path", "canonical form");
    assertProblem(mvc.get().uri("/api/v1/datasets/datasets").exchange(), 404, "not-found", "no dataset");
    assertProblem(mvc.delete().uri("/api/v1/datasets/ds_aaaaaaaaaaaaaaaa").exchange(), 404, "not-found", null);
  }

  @Test
  void labelsAsJsonOrNpyOnceAndCheckedAgainstN() throws Exception {
    String ds = createDataset(D, 64);
    assertProblem(putJson("/api/v1/datasets/" + ds + "/labels", "[1]"), 400, "invalid-input", "at least 2 items");
    assertProblem(putJson("/api/v1/datasets/" + ds + "/labels", "[1, 2.5]"), 400, "invalid-input", "entry 1 is not an integer");
    assertProblem(putJson("/api/v1/datasets/" + ds + "/labels", "{\"a\":1}"), 400, "invalid-input", "must be a JSON array");
    assertProblem(mvc.put().uri("/api/v1/datasets/" + ds + "/labels").contentType(NPY)
        .content(npyF32(new float[4], 4, 1, ByteOrder.LITTLE_ENDIAN)).exchange(), 400, "invalid-input", "dtype '<f4' is not supported");
    assertThat(mvc.put().uri("/api/v1/datasets/" + ds + "/labels").contentType(MediaType.TEXT_PLAIN).content("1,2")).hasStatus(415);
    assertThat(json(mvc.get().uri("/api/v1/datasets/" + ds).exchange()).get("labels").asBoolean()).isFalse();

    long[] labels = new long[N];
    for (int i = 0; i < N; i++) {
      labels[i] = i % 3;
    }
    MvcTestResult ok = mvc.put().uri("/api/v1/datasets/" + ds + "/labels").contentType(NPY).content(npyI64(labels)).exchange();
    assertThat(ok).hasStatus(201);
    assertThat(ok.getResponse().getHeader("Location")).isEqualTo("/api/v1/datasets/" + ds + "/labels");
    assertThat(json(ok).get("items").asInt()).isEqualTo(N);
    assertProblem(putJson("/api/v1/datasets/" + ds + "/labels", labelsJson(N, 3)), 409, "already-set", "already has labels");

    MvcTestResult back = mvc.get().uri("/api/v1/datasets/" + ds + "/labels").exchange();
    assertThat(back).hasStatusOk();
    assertThat(ints(body(back))).containsExactly(Arrays.stream(labels).mapToInt(l -> (int) l).toArray());

    // A snapshot of another size is refused, naming both counts.
    assertProblem(upload(ds, NPY, npyF32(new float[10 * D], 10, D, ByteOrder.LITTLE_ENDIAN), null), 400, "invalid-input",
        "the snapshot has 10 rows but the dataset has N = 60 items");
  }

  @Test
  void labelCountMustMatchExistingSnapshots() {
    String ds = createDataset(D, 64);
    uploadOk(ds, clustered(N, D, 3, 1), N, D, false);
    assertProblem(putJson("/api/v1/datasets/" + ds + "/labels", labelsJson(N - 1, 3)), 400, "invalid-input",
        "label count 59 differs from the dataset's number of items N = 60");
    assertThat(putJson("/api/v1/datasets/" + ds + "/labels", labelsJson(N, 3))).hasStatus(201);
  }

  @Test
  void splitAndPositivePairs() {
    String ds = createDataset(D, 64);
    assertProblem(putJson("/api/v1/datasets/" + ds + "/positives", "[[0,1]]"), 409, "size-unknown", "upload labels or a snapshot");
    assertProblem(putJson("/api/v1/datasets/" + ds + "/split", "[0,0,0]"), 400, "invalid-input", "at least one query");
    assertProblem(putJson("/api/v1/datasets/" + ds + "/split", "[0,2,1]"), 400, "invalid-input", "split entry 1 is 2");
    StringBuilder split = new StringBuilder("[");
    for (int i = 0; i < N; i++) {
      split.append(i > 0 ? "," : "").append(i < 20 ? 1 : 0);
    }
    MvcTestResult r = putJson("/api/v1/datasets/" + ds + "/split", split.append(']').toString());
    assertThat(r).hasStatus(201);
    assertThat(json(r).get("queries").asInt()).isEqualTo(20);
    assertThat(json(r).get("references").asInt()).isEqualTo(40);
    assertThat(json(r).get("items").asInt()).isEqualTo(N);
    assertProblem(putJson("/api/v1/datasets/" + ds + "/split", split.toString()), 409, "already-set", null);

    assertProblem(putJson("/api/v1/datasets/" + ds + "/positives", "[[0,60]]"), 400, "invalid-input", "names item 60");
    assertProblem(putJson("/api/v1/datasets/" + ds + "/positives", "[[0,1,2]]"), 400, "invalid-input", "more than 2 values");
    assertProblem(putJson("/api/v1/datasets/" + ds + "/positives", "[0,1]"), 400, "invalid-input", "not an array of 2 integers");
    MvcTestResult p = mvc.put().uri("/api/v1/datasets/" + ds + "/positives").contentType(NPY)
        .content(Npy.bytes("<i4", new long[] {2, 2}, rawI32(0, 20, 1, 21))).exchange();
    assertThat(p).hasStatus(201);
    assertThat(json(p).get("positivePairs").asInt()).isEqualTo(2);
  }

  @Test
  void uploadsInEveryFormatGiveTheEngineCodes() throws Exception {
    String ds = createDataset(D, 128);
    float[] x = clustered(N, D, 3, 7);
    PackedCodes expected = new Encoder(D, Encoder.Options.of(128, 42)).encode(x, N).codes();

    String s1 = uploadOk(ds, x, N, D, false);
    assertThat(body(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots/" + s1 + "/codes").exchange()))
        .isEqualTo(Npy.bytes("|u1", new long[] {N, 16}, expected.toBytes()));

    MvcTestResult be = upload(ds, NPY, npyF32(x, N, D, ByteOrder.BIG_ENDIAN), null);
    assertThat(be).hasStatus(201);
    assertThat(json(be).get("dtype").asString()).isEqualTo(">f4");
    assertThat(json(be).get("seq").asInt()).isEqualTo(2);
    assertThat(codes(ds, json(be).get("id").asString())).isEqualTo(expected.toBytes());

    MvcTestResult raw = upload(ds, MediaType.APPLICATION_OCTET_STREAM, rawF32(x), "rows=" + N + "&dims=" + D);
    assertThat(raw).hasStatus(201);
    assertThat(json(raw).get("format").asString()).isEqualTo("raw");
    assertThat(codes(ds, json(raw).get("id").asString())).isEqualTo(expected.toBytes());

    StringBuilder js = new StringBuilder("[");
    for (int i = 0; i < N; i++) {
      js.append(i > 0 ? "," : "").append('[');
      for (int j = 0; j < D; j++) {
        js.append(j > 0 ? "," : "").append(x[i * D + j]);
      }
      js.append(']');
    }
    MvcTestResult j = upload(ds, MediaType.APPLICATION_JSON, js.append(']').toString().getBytes(), null);
    assertThat(j).hasStatus(201);
    assertThat(codes(ds, json(j).get("id").asString())).isEqualTo(expected.toBytes());

    // float64 and big-endian float16 are converted to float32 first, as the engine's reader does.
    float[] x16 = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      x16[i] = Float.float16ToFloat(Float.floatToFloat16(x[i]));
    }
    MvcTestResult f16 = upload(ds, NPY, npyF16BigEndian(x, N, D), null);
    assertThat(f16).hasStatus(201);
    assertThat(codes(ds, json(f16).get("id").asString()))
        .isEqualTo(new Encoder(D, Encoder.Options.of(128, 42)).encode(x16, N).codes().toBytes());
    MvcTestResult f64 = upload(ds, NPY, npyF64(x, N, D), null);
    assertThat(f64).hasStatus(201);
    assertThat(codes(ds, json(f64).get("id").asString())).isEqualTo(expected.toBytes());

    JsonNode list = json(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots").exchange());
    assertThat(list.size()).isEqualTo(6);
    assertThat(json(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots/latest").exchange()).get("seq").asInt()).isEqualTo(6);
    assertThat(json(mvc.get().uri("/api/v1/datasets/" + ds).exchange()).get("latestSnapshotId").asString())
        .isEqualTo(json(f64).get("id").asString());
  }

  @Test
  void badUploadsChangeNothingAndNameTheProblem() throws Exception {
    String ds = createDataset(D, 64);
    float[] x = clustered(N, D, 3, 3);
    uploadOk(ds, x, N, D, false);
    byte[] good = npyF32(x, N, D, ByteOrder.LITTLE_ENDIAN);

    assertProblem(upload(ds, NPY, "not numpy at all".getBytes(), null), 400, "invalid-input", "magic string");
    byte[] broken = good.clone();
    broken[20] = 'X'; // inside the header dict
    assertProblem(upload(ds, NPY, Npy.bytes("<f4", new long[] {N * D}, rawF32(x)), null), 400, "invalid-input",
        "must be a 2-D array");
    assertProblem(upload(ds, NPY, Npy.bytes("<i4", new long[] {N, D}, new byte[N * D * 4]), null), 400, "invalid-input",
        "dtype '<i4' is not supported");
    byte[] fortran = new String(good, java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("'fortran_order': False", "'fortran_order': True ").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertProblem(upload(ds, NPY, fortran, null), 400, "invalid-input", "Fortran-ordered");
    assertProblem(upload(ds, NPY, npyF32(clustered(N, D + 1, 3, 3), N, D + 1, ByteOrder.LITTLE_ENDIAN), null), 400,
        "invalid-input", "dimension 9, the dataset's dimension is 8");
    assertProblem(upload(ds, NPY, Arrays.copyOf(good, good.length - 10), null), 400, "invalid-input", "ends early");
    byte[] longer = Arrays.copyOf(good, good.length + 4);
    assertProblem(upload(ds, NPY, longer, null), 400, "invalid-input", "continues after the 60 rows");

    float[] nan = x.clone();
    nan[37 * D + 5] = Float.NaN;
    MvcTestResult r = upload(ds, NPY, npyF32(nan, N, D, ByteOrder.LITTLE_ENDIAN), null);
    assertProblem(r, 400, "non-finite", "row 37 contains NaN (column 5)");
    assertThat(json(r).get("row").asInt()).isEqualTo(37);
    float[] inf = x.clone();
    inf[59 * D] = Float.NEGATIVE_INFINITY;
    assertProblem(upload(ds, NPY, npyF32(inf, N, D, ByteOrder.LITTLE_ENDIAN), "keepFloats=true"), 400, "non-finite",
        "row 59 contains an infinite value");

    assertProblem(upload(ds, MediaType.APPLICATION_OCTET_STREAM, rawF32(x), null), 400, "invalid-request", "needs the query parameter rows");
    assertProblem(upload(ds, MediaType.APPLICATION_OCTET_STREAM, rawF32(x), "rows=" + N + "&dims=4"), 400, "invalid-input", "dimension 4");
    assertProblem(upload(ds, MediaType.APPLICATION_OCTET_STREAM, Arrays.copyOf(rawF32(x), N * D * 4 - 8), "rows=" + N), 400,
        "invalid-input", "rows x dims x 4");
    assertProblem(upload(ds, MediaType.APPLICATION_JSON, "[[1,2,3,4,5,6,7,8],[1,2]]".getBytes(), null), 400, "invalid-input",
        "row 1 of the JSON embeddings has 2 values");
    assertProblem(upload(ds, MediaType.APPLICATION_JSON, "[[1,2,3,4,5,6,7,8],[1,2,3,4,5,6,7,\"x\"]]".getBytes(), null), 400,
        "invalid-input", "row 1, column 7 of the JSON embeddings is not a number");
    assertProblem(upload(ds, MediaType.APPLICATION_JSON, "[[1,2,3,4,5,6,7,8],[1,2,".getBytes(), null), 400, "invalid-input",
        "malformed JSON embeddings");
    assertThat(upload(ds, MediaType.TEXT_PLAIN, "1 2 3".getBytes(), null)).hasStatus(415);
    assertThat(mvc.post().uri("/api/v1/datasets/" + ds + "/snapshots").contentType(MediaType.APPLICATION_FORM_URLENCODED)
        .content("a=1")).hasStatus(415);

    assertThat(json(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots").exchange()).size()).isEqualTo(1);
    assertThat(tmpEntries()).allMatch(p -> p.getFileName().toString().equals("spill"));
    assertProblem(upload("ds_aaaaaaaaaaaaaaaa", NPY, good, null), 404, "not-found", "no dataset");
  }

  @Test
  void keptFloatsAreStoredAndSnapshotsCanBeDeleted() throws Exception {
    String ds = createDataset(D, 64);
    float[] x = clustered(N, D, 3, 5);
    String sn = uploadOk(ds, x, N, D, true);
    JsonNode s = json(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots/" + sn).exchange());
    assertThat(s.get("floatsKept").asBoolean()).isTrue();
    assertThat(java.nio.file.Files.readAllBytes(store.root().resolve("datasets").resolve(ds).resolve("snapshots")
        .resolve(sn).resolve("floats.f32"))).isEqualTo(rawF32(x));
    assertProblem(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots/sn_aaaaaaaaaaaaaaaa").exchange(), 404, "not-found", "no snapshot");
    assertThat(mvc.delete().uri("/api/v1/datasets/" + ds + "/snapshots/" + sn)).hasStatus(204);
    assertProblem(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots/latest").exchange(), 404, "not-found", "has no snapshots");
  }

  private byte[] codes(String ds, String sn) throws Exception {
    byte[] npy = body(mvc.get().uri("/api/v1/datasets/" + ds + "/snapshots/" + sn + "/codes").exchange());
    java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(npy);
    dev.neghash.engine.io.NpyHeader.read(in);
    return in.readAllBytes();
  }

  private static byte[] rawI32(int... v) {
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    bb.asIntBuffer().put(v);
    return bb.array();
  }

  static void assertProblem(MvcTestResult r, int status, String code, String detailPart) {
    assertThat(r).hasStatus(status);
    assertThat(r.getResponse().getContentType()).startsWith("application/problem+json");
    JsonNode p = json(r);
    assertThat(p.get("status").asInt()).isEqualTo(status);
    if (code != null) {
      assertThat(p.get("type").asString()).isEqualTo("urn:neghash:problem:" + code);
    }
    if (detailPart != null) {
      assertThat(p.get("detail").asString()).contains(detailPart);
    }
    assertThat(p.toString()).doesNotContain("Exception").doesNotContain("\tat ");
  }
}
