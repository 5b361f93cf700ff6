package io.tidewatch.ingest.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tidewatch.ingest.tail.FileIdentity;
import io.tidewatch.ingest.tail.FilePosition;
import io.tidewatch.ingest.tail.Fingerprint;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The agent's read positions, in {@code positions.json} of its spool directory: per set of log
 * files (see {@link #setKey}), the position after the last line shipped of each file. It is
 * replaced whole and atomically (written to a temporary file, forced to disk, renamed), so a crash
 * leaves the previous version or the new one, never a mix.
 *
 * <pre>{@code
 * {"version": 1, "logs": {"/nginx/access /var/log/nginx/access.log": [
 *   {"file": "(dev=803,ino=1234)", "fingerprint": "<Base64>", "stream": "/var/log/...", "offset": 42}
 * ]}}
 * }</pre>
 */
final class PositionFile {

  static final String NAME = "positions.json";
  private static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Map<String, Map<String, FilePosition>> saved;

  private PositionFile(Path file, Map<String, Map<String, FilePosition>> saved) {
    this.file = file;
    this.saved = saved;
  }

  /** What identifies a set of log files across restarts: its log group and paths. */
  static String setKey(String logGroup, Collection<String> paths) {
    return logGroup + " " + String.join(" ", paths);
  }

  /**
   * Reads {@code positions.json} in {@code dir} (none yet: no set known).
   *
   * @throws IOException when it cannot be read or is not a position file; the message says how to
   *     start over
   */
  static PositionFile open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(NAME);
    Map<String, Map<String, FilePosition>> saved = new LinkedHashMap<>();
    if (Files.exists(file)) {
      try {
        JsonNode root = JSON.readTree(Files.readString(file));
        if (root == null || root.path("version").asInt() != VERSION) {
          throw new IllegalArgumentException("no \"version\": " + VERSION);
        }
        for (Map.Entry<String, JsonNode> set : root.path("logs").properties()) {
          Map<String, FilePosition> positions = new LinkedHashMap<>();
          for (JsonNode entry : set.getValue()) {
            FilePosition position = position(entry);
            positions.put(position.identity().fileKey(), position);
          }
          saved.put(set.getKey(), positions);
        }
      } catch (JsonProcessingException | IllegalArgumentException e) {
        throw new IOException(
            file
                + " is not a valid position file ("
                + e.getMessage()
                + "); delete it to start over (files are then read from their end, or their"
                + " beginning with startAt: beginning)",
            e);
      }
    }
    return new PositionFile(file, saved);
  }

  private static FilePosition position(JsonNode entry) {
    JsonNode fileKey = entry.get("file");
    JsonNode stream = entry.get("stream");
    JsonNode offset = entry.get("offset");
    if (fileKey == null || !fileKey.isTextual() || stream == null || !stream.isTextual()) {
      throw new IllegalArgumentException("an entry lacks \"file\" or \"stream\": " + entry);
    }
    if (offset == null || !offset.canConvertToLong()) {
      throw new IllegalArgumentException("an entry lacks a numeric \"offset\": " + entry);
    }
    JsonNode fingerprint = entry.get("fingerprint");
    return new FilePosition(
        new FileIdentity(
            fileKey.asText(),
            Fingerprint.decode(fingerprint == null ? null : fingerprint.asText(null))),
        stream.asText(),
        offset.asLong());
  }

  /** The saved positions of a set by file key; empty when the set was never saved. */
  Optional<Map<String, FilePosition>> saved(String setKey) {
    return Optional.ofNullable(saved.get(setKey)).map(Map::copyOf);
  }

  /** Replaces the file with these positions per set, atomically. */
  void save(Map<String, Collection<FilePosition>> positions) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    ObjectNode logs = root.putObject("logs");
    positions.forEach(
        (set, list) -> {
          ArrayNode entries = logs.putArray(set);
          for (FilePosition position : list) {
            entries
                .addObject()
                .put("file", position.identity().fileKey())
                .put("fingerprint", position.identity().fingerprint().encode())
                .put("stream", position.stream())
                .put("offset", position.offset());
          }
        });
    byte[] bytes = JSON.writeValueAsBytes(root);
    Path temporary = file.resolveSibling(NAME + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temporary,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    try {
      Files.move(
          temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
