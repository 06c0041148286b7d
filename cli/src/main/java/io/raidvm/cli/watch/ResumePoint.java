package io.raidvm.cli.watch;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Where a watch resumes: the epoch and sequence of the last event seen, as EPOCH:SEQ. */
record ResumePoint(String epoch, long sequence) {

  /** Reads EPOCH:SEQ, as {@code raidctl watch} prints it. */
  static final class Converter implements ITypeConverter<ResumePoint> {

    @Override
    public ResumePoint convert(String value) {
      int colon = value.lastIndexOf(':');
      if (colon <= 0) {
        throw new TypeConversionException("'" + value + "' is not EPOCH:SEQ");
      }
      try {
        return new ResumePoint(value.substring(0, colon),
            Long.parseUnsignedLong(value.substring(colon + 1)));
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not EPOCH:SEQ (SEQ is a number)");
      }
    }
  }
}
