/**
 * Following log files as they are written and rotated: {@link io.tidewatch.ingest.tail.FileTailer}
 * hands out complete lines with resumable {@link io.tidewatch.ingest.tail.FilePosition}s. No Kafka
 * here: the Connect source and the agent store the positions their own way ({@link
 * io.tidewatch.ingest.tail.SavedPositions}).
 */
package io.tidewatch.ingest.tail;
