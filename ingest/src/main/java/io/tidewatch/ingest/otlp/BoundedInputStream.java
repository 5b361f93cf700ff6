package io.tidewatch.ingest.otlp;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Fails with {@link TooLargeException} as soon as more than {@code limit} bytes were read. */
final class BoundedInputStream extends FilterInputStream {

  /** The stream held more than the limit. */
  static final class TooLargeException extends IOException {
    TooLargeException(String what, long limit) {
      super(what + " is larger than the limit of " + limit + " bytes");
    }
  }

  private final String what;
  private final long limit;
  private long count;

  /**
   * @param what names the content in the error message, e.g. {@code "request body"}
   */
  BoundedInputStream(InputStream in, long limit, String what) {
    super(in);
    this.limit = limit;
    this.what = what;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      counted(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      counted(n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    counted(skipped);
    return skipped;
  }

  private void counted(long n) throws TooLargeException {
    count += n;
    if (count > limit) {
      throw new TooLargeException(what, limit);
    }
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
