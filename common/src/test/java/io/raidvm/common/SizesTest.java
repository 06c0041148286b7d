package io.raidvm.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.raidvm.common.error.RaidvmException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {

  @ParameterizedTest
  @CsvSource({"67108864,67108864", "64M,67108864", "64m,67108864", "3G,3221225472",
      "512K,524288", "1T,1099511627776", "64MiB,67108864", " 8 M ,8388608"})
  void parse_acceptsBytesAndBinarySuffixes(String text, long bytes) {
    assertEquals(bytes, Sizes.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0M", "-1", "-64M", "abc", "64X", "1.5G", "", " ",
      "99999999999999999999", "9999999999T"})
  void parse_rejectsZeroNegativeAndUnparsableWithInvalidArgument(String text) {
    RaidvmException e = assertThrows(RaidvmException.class, () -> Sizes.parse(text));
    assertEquals(RaidvmException.Kind.INVALID_ARGUMENT, e.kind());
  }

  @ParameterizedTest
  @CsvSource({"67108864,64 MiB", "1536,1.5 KiB", "100,100 B", "3221225472,3 GiB"})
  void human_readsLikeAPersonWouldWriteIt(long bytes, String text) {
    assertEquals(text, Sizes.human(bytes));
  }
}
