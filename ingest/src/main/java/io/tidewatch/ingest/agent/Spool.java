package io.tidewatch.ingest.agent;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * A bounded first-in first-out queue of records on disk, in segment files {@code <20-digit
 * id>.spool} of length-and-CRC framed records. Records are read in append order and removed only
 * when {@link #commit committed} (after Kafka acknowledged them), so a crash re-sends rather than
 * loses. The read position survives restarts in the file {@code cursor}.
 *
 * <p>When an append would take the spool past its bound, whole segments are dropped, oldest first,
 * and their unread records counted in {@link #lost()}: the only way the spool loses data. A torn
 * frame at the end of a segment (a crash mid-write) ends that segment and is counted in {@link
 * #corrupt()}.
 *
 * <p>Thread-safe: every method locks the spool.
 */
public final class Spool implements Closeable {

  /** The smallest bound accepted. */
  public static final long MIN_BYTES = 64 * 1024;

  private static final String SUFFIX = ".spool";
  private static final int FRAME_HEADER = 8;

  private final Path dir;
  private final long maxBytes;
  private final long segmentBytes;

  /** Segment id → size in bytes, oldest first; the last is the one appended to. */
  private final TreeMap<Long, Long> segments = new TreeMap<>();

  private FileChannel writer;
  private long writerId;
  private long readSegment;
  private long readOffset;
  private long totalBytes;
  private long lost;
  private long corrupt;

  /** A batch read from the spool: its records and the position after the last one. */
  public record Batch(List<SpooledRecord> records, long segment, long offset) {
    public boolean isEmpty() {
      return records.isEmpty();
    }
  }

  private Spool(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
    this.segmentBytes = Math.max(16 * 1024, Math.min(16L * 1024 * 1024, maxBytes / 8));
  }

  /** Opens (and creates) a spool in {@code dir}, resuming from its cursor. */
  public static Spool open(Path dir, long maxBytes) throws IOException {
    if (maxBytes < MIN_BYTES) {
      throw new IllegalArgumentException("spool maxBytes must be at least " + MIN_BYTES);
    }
    Files.createDirectories(dir);
    Spool spool = new Spool(dir, maxBytes);
    spool.recover();
    return spool;
  }

  private void recover() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(SUFFIX)) {
          long id = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
          long size = Files.size(file);
          segments.put(id, size);
          totalBytes += size;
        }
      }
    }
    Path cursor = dir.resolve("cursor");
    if (Files.exists(cursor)) {
      String[] parts = Files.readString(cursor).strip().split(" ");
      readSegment = Long.parseLong(parts[0]);
      readOffset = Long.parseLong(parts[1]);
    }
    // Segments before the cursor were fully read; a cursor into a missing segment starts over.
    for (Long id : new ArrayList<>(segments.headMap(readSegment).keySet())) {
      delete(id);
    }
    if (!segments.containsKey(readSegment)) {
      readSegment = segments.isEmpty() ? 0 : segments.firstKey();
      readOffset = 0;
    }
    // Never append to a segment written before: its tail may be torn.
    openWriter(segments.isEmpty() ? 1 : segments.lastKey() + 1);
    if (readSegment == 0) {
      readSegment = writerId;
    }
  }

  /** Appends a record at the end, dropping the oldest segments if the bound requires it. */
  public synchronized void append(SpooledRecord record) {
    byte[] payload = encode(record);
    int frame = FRAME_HEADER + payload.length;
    if (frame > maxBytes / 2) {
      throw new IllegalArgumentException(
          "record of " + frame + " bytes is larger than half the spool (" + maxBytes + " bytes)");
    }
    try {
      if (segments.get(writerId) + frame > segmentBytes && segments.get(writerId) > 0) {
        openWriter(writerId + 1);
      }
      while (totalBytes + frame > maxBytes) {
        dropOldest();
      }
      ByteBuffer buffer = ByteBuffer.allocate(frame);
      CRC32 crc = new CRC32();
      crc.update(payload);
      buffer.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
      while (buffer.hasRemaining()) {
        writer.write(buffer);
      }
      segments.merge(writerId, (long) frame, Long::sum);
      totalBytes += frame;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write to the spool in " + dir, e);
    }
  }

  /** Forces what was appended to disk, so that it survives a crash of the machine. */
  public synchronized void force() throws IOException {
    if (writer != null) {
      writer.force(false);
    }
  }

  /** Reads up to {@code max} records from the read position, without removing them. */
  public synchronized Batch read(int max) {
    List<SpooledRecord> records = new ArrayList<>();
    long segment = readSegment;
    long offset = readOffset;
    try {
      while (records.size() < max) {
        Long size = segments.get(segment);
        if (size == null) {
          break;
        }
        if (offset >= size) {
          Long next = segments.higherKey(segment);
          if (next == null) {
            break;
          }
          segment = next;
          offset = 0;
          continue;
        }
        long before = offset;
        offset = readFrames(segment, offset, size, max - records.size(), records);
        if (offset == before) {
          // A torn or corrupt frame: the rest of this segment cannot be read.
          corrupt++;
          offset = size;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the spool in " + dir, e);
    }
    return new Batch(records, segment, offset);
  }

  private long readFrames(long segment, long offset, long size, int max, List<SpooledRecord> into)
      throws IOException {
    Path file = file(segment);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long position = offset;
      ByteBuffer header = ByteBuffer.allocate(FRAME_HEADER);
      int read = 0;
      while (read < max && position + FRAME_HEADER <= size) {
        header.clear();
        channel.read(header, position);
        header.flip();
        int length = header.getInt();
        int expected = header.getInt();
        if (length < 0 || position + FRAME_HEADER + length > size) {
          break;
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        while (payload.hasRemaining()) {
          if (channel.read(payload, position + FRAME_HEADER + payload.position()) < 0) {
            break;
          }
        }
        CRC32 crc = new CRC32();
        crc.update(payload.array());
        if ((int) crc.getValue() != expected) {
          break;
        }
        into.add(decode(payload.array()));
        position += FRAME_HEADER + length;
        read++;
      }
      return position;
    }
  }

  /** Marks everything up to the end of {@code batch} as sent: it will not be read again. */
  public synchronized void commit(Batch batch) {
    commit(batch.segment(), batch.offset());
  }

  /** Marks everything before {@code offset} of {@code segment} (and older segments) as sent. */
  public synchronized void commit(long segment, long offset) {
    if (segment < readSegment || (segment == readSegment && offset <= readOffset)) {
      return;
    }
    try {
      for (Long id : new ArrayList<>(segments.headMap(segment).keySet())) {
        delete(id);
      }
      readSegment = segment;
      readOffset = offset;
      Long size = segments.get(segment);
      if (size != null && offset >= size && segment != writerId) {
        delete(segment);
        Long next = segments.higherKey(segment);
        readSegment = next == null ? writerId : next;
        readOffset = 0;
      }
      writeCursor();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot update the spool cursor in " + dir, e);
    }
  }

  /** Whether every appended record was committed (or lost). */
  public synchronized boolean isEmpty() {
    return readSegment == writerId && readOffset >= segments.get(writerId);
  }

  /** Bytes on disk, read or not. */
  public synchronized long bytes() {
    return totalBytes;
  }

  /** Records dropped unread because the spool was full. */
  public synchronized long lost() {
    return lost;
  }

  /** Segments whose tail could not be read (torn writes after a crash). */
  public synchronized long corrupt() {
    return corrupt;
  }

  @Override
  public synchronized void close() throws IOException {
    if (writer != null) {
      writer.close();
      writer = null;
    }
  }

  private void dropOldest() throws IOException {
    long oldest = segments.firstKey();
    if (oldest == writerId) {
      openWriter(writerId + 1);
    }
    long from = oldest == readSegment ? readOffset : 0;
    if (oldest >= readSegment) {
      lost += countFrames(oldest, from, segments.get(oldest));
    }
    delete(oldest);
    if (oldest >= readSegment) {
      readSegment = segments.firstKey();
      readOffset = 0;
      writeCursor();
    }
  }

  private long countFrames(long segment, long offset, long size) throws IOException {
    long count = 0;
    try (DataInputStream in =
        new DataInputStream(new java.io.BufferedInputStream(Files.newInputStream(file(segment))))) {
      in.skipNBytes(offset);
      long position = offset;
      while (position + FRAME_HEADER <= size) {
        int length = in.readInt();
        in.readInt();
        if (length < 0 || position + FRAME_HEADER + length > size) {
          break;
        }
        in.skipNBytes(length);
        position += FRAME_HEADER + length;
        count++;
      }
    } catch (EOFException e) {
      // a torn tail holds no complete record
    }
    return count;
  }

  private void openWriter(long id) throws IOException {
    if (writer != null) {
      writer.force(false);
      writer.close();
    }
    writer =
        FileChannel.open(
            file(id),
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.APPEND);
    writerId = id;
    segments.putIfAbsent(id, Files.size(file(id)));
  }

  private void delete(long id) throws IOException {
    Long size = segments.remove(id);
    if (size != null) {
      totalBytes -= size;
    }
    Files.deleteIfExists(file(id));
  }

  private void writeCursor() throws IOException {
    Path temporary = dir.resolve("cursor.tmp");
    Files.writeString(temporary, readSegment + " " + readOffset + "\n");
    try {
      Files.move(
          temporary,
          dir.resolve("cursor"),
          StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, dir.resolve("cursor"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Path file(long id) {
    return dir.resolve(String.format("%020d%s", id, SUFFIX));
  }

  static byte[] encode(SpooledRecord record) {
    byte[] topic = record.topic().getBytes(StandardCharsets.UTF_8);
    byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
    int size =
        2 + topic.length + 8 + 4 + (key == null ? 0 : key.length) + 4 + record.value().length + 2;
    List<byte[][]> headers = new ArrayList<>();
    for (SpooledRecord.Header header : record.headers()) {
      byte[] name = header.key().getBytes(StandardCharsets.UTF_8);
      headers.add(new byte[][] {name, header.value()});
      size += 2 + name.length + 4 + (header.value() == null ? 0 : header.value().length);
    }
    ByteBuffer buffer = ByteBuffer.allocate(size);
    buffer.putShort((short) topic.length).put(topic);
    buffer.putLong(record.timestamp() == null ? Long.MIN_VALUE : record.timestamp());
    putBytes(buffer, key);
    putBytes(buffer, record.value());
    buffer.putShort((short) headers.size());
    for (byte[][] header : headers) {
      buffer.putShort((short) header[0].length).put(header[0]);
      putBytes(buffer, header[1]);
    }
    return buffer.array();
  }

  static SpooledRecord decode(byte[] payload) {
    ByteBuffer buffer = ByteBuffer.wrap(payload);
    byte[] topic = new byte[buffer.getShort()];
    buffer.get(topic);
    long timestamp = buffer.getLong();
    byte[] key = getBytes(buffer);
    byte[] value = getBytes(buffer);
    int count = buffer.getShort();
    List<SpooledRecord.Header> headers = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] name = new byte[buffer.getShort()];
      buffer.get(name);
      headers.add(
          new SpooledRecord.Header(new String(name, StandardCharsets.UTF_8), getBytes(buffer)));
    }
    return new SpooledRecord(
        new String(topic, StandardCharsets.UTF_8),
        timestamp == Long.MIN_VALUE ? null : timestamp,
        key == null ? null : new String(key, StandardCharsets.UTF_8),
        value,
        headers);
  }

  private static void putBytes(ByteBuffer buffer, byte[] bytes) {
    if (bytes == null) {
      buffer.putInt(-1);
    } else {
      buffer.putInt(bytes.length).put(bytes);
    }
  }

  private static byte[] getBytes(ByteBuffer buffer) {
    int length = buffer.getInt();
    if (length < 0) {
      return null;
    }
    byte[] bytes = new byte[length];
    buffer.get(bytes);
    return bytes;
  }
}
