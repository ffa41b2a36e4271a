package dev.neghash.api.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class LimitedInputStreamTest {

  @Test
  void limitsAreWrittenInUnitsThatNeverRoundToZero() {
    assertThat(LimitedInputStream.describe(1)).isEqualTo("1 byte");
    assertThat(LimitedInputStream.describe(1023)).isEqualTo("1023 bytes");
    assertThat(LimitedInputStream.describe(1024)).isEqualTo("1 KB (1024 bytes)");
    assertThat(LimitedInputStream.describe(1536)).isEqualTo("1.5 KB (1536 bytes)");
    assertThat(LimitedInputStream.describe(10 * 1024)).isEqualTo("10 KB (10240 bytes)");
    assertThat(LimitedInputStream.describe(1024 * 1024 - 1)).isEqualTo("1023.9 KB (1048575 bytes)");
    assertThat(LimitedInputStream.describe(64L << 20)).isEqualTo("64 MB (67108864 bytes)");
    assertThat(LimitedInputStream.describe(64L << 30)).isEqualTo("64 GB (68719476736 bytes)");
    assertThat(LimitedInputStream.describe(3L << 40)).isEqualTo("3 TB (3298534883328 bytes)");
    assertThat(LimitedInputStream.describe(2048L << 40)).isEqualTo("2048 TB (2251799813685248 bytes)");
  }

  @Test
  void readingPastTheLimitIsRefusedWithTheLimitInTheMessage() {
    LimitedInputStream in = new LimitedInputStream(new ByteArrayInputStream(new byte[2000]), 1024);
    assertThatThrownBy(in::readAllBytes)
        .hasMessage("the request body is larger than the limit of 1 KB (1024 bytes); the limit is configurable");
  }
}
