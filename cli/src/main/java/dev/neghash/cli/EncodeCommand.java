package dev.neghash.cli;

import dev.neghash.engine.lsh.Encoder;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code neghash encode}: embeddings to packed codes. */
@Command(name = "encode", mixinStandardHelpOptions = true,
    description = "Encode embeddings (.npy, N x d) into packed LSH codes, written as uint8 (N, bits/8).")
final class EncodeCommand implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--embeddings", required = true, description = "Embeddings .npy: float16/32/64, C order, shape (N, d).")
  Path embeddings;

  @Option(names = "--out", required = true, description = "Output .npy file for the codes.")
  Path out;

  @Mixin CommonOptions common;

  @Override
  public Integer call() throws Exception {
    Encoder.Encoded enc = Inputs.encode(embeddings, common.neghash());
    var codes = enc.codes();
    Outputs o = new Outputs(out.toString());
    o.uint8("", codes.toBytes(), codes.n(), codes.bytesPerCode());
    spec.commandLine().getOut().println(String.format(Locale.ROOT,
        "N=%d bits=%d threads=%d kernels=%s encode=%.3fs bytes/item=%d -> %s",
        codes.n(), codes.bits(), common.threadCount(), CommonOptions.provider(),
        enc.projectSeconds() + enc.binarizeSeconds(), codes.bytesPerCode(), out));
    return 0;
  }
}
