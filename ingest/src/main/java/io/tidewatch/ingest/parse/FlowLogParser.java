package io.tidewatch.ingest.parse;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Amazon VPC flow logs: the default (version 2) format or any custom format ({@code ${version}
 * ${vpc-id} ...}, the {@code ${}} optional). Fields are named as CloudWatch Logs Insights discovers
 * them ({@code srcAddr}, {@code logStatus}, camelCase of the hyphenated name otherwise); {@code -}
 * is {@code null}. {@code NODATA} and {@code SKIPDATA} records parse like any other (their {@code
 * logStatus} says so, and {@link ParseStats} counts them). The event time is {@code start}.
 */
final class FlowLogParser extends GuardedParser {

  static final String DEFAULT_FORMAT =
      "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport}"
          + " ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

  /** 9999-12-31T23:59:59Z. */
  private static final long MAX_EPOCH_SECOND = 253_402_300_799L;

  private record Spec(String field, boolean integer) {}

  private static final Map<String, Spec> KNOWN = new HashMap<>();

  static {
    known("version", "version", true);
    known("account-id", "accountId", false); // 12 digits that may start with 0: text
    known("interface-id", "interfaceId", false);
    known("srcaddr", "srcAddr", false);
    known("dstaddr", "dstAddr", false);
    known("srcport", "srcPort", true);
    known("dstport", "dstPort", true);
    known("protocol", "protocol", true);
    known("packets", "packets", true);
    known("bytes", "bytes", true);
    known("start", "start", true);
    known("end", "end", true);
    known("action", "action", false);
    known("log-status", "logStatus", false);
    known("vpc-id", "vpcId", false);
    known("subnet-id", "subnetId", false);
    known("instance-id", "instanceId", false);
    known("tcp-flags", "tcpFlags", true);
    known("type", "type", false);
    known("pkt-srcaddr", "pktSrcAddr", false);
    known("pkt-dstaddr", "pktDstAddr", false);
    known("region", "region", false);
    known("az-id", "azId", false);
    known("sublocation-type", "sublocationType", false);
    known("sublocation-id", "sublocationId", false);
    known("pkt-src-aws-service", "pktSrcAwsService", false);
    known("pkt-dst-aws-service", "pktDstAwsService", false);
    known("flow-direction", "flowDirection", false);
    known("traffic-path", "trafficPath", true);
    known("ecs-cluster-arn", "ecsClusterArn", false);
    known("ecs-cluster-name", "ecsClusterName", false);
    known("ecs-container-instance-arn", "ecsContainerInstanceArn", false);
    known("ecs-container-instance-id", "ecsContainerInstanceId", false);
    known("ecs-container-id", "ecsContainerId", false);
    known("ecs-second-container-id", "ecsSecondContainerId", false);
    known("ecs-service-name", "ecsServiceName", false);
    known("ecs-task-definition-arn", "ecsTaskDefinitionArn", false);
    known("ecs-task-arn", "ecsTaskArn", false);
    known("ecs-task-id", "ecsTaskId", false);
    known("reject-reason", "rejectReason", false);
    known("resource-id", "resourceId", false);
    known("encryption-status", "encryptionStatus", true);
  }

  private final String[] awsNames;
  private final boolean[] integer;
  private final FieldLayout layout;
  private final int startField;

  FlowLogParser(String format, int maxLineBytes) {
    super(maxLineBytes);
    List<String> names = names(format);
    this.awsNames = names.toArray(new String[0]);
    this.integer = new boolean[awsNames.length];
    List<String> fields = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < awsNames.length; i++) {
      Spec spec = KNOWN.get(awsNames[i]);
      integer[i] = spec != null && spec.integer();
      fields.add(spec != null ? spec.field() : AccessLogVariables.camelCase(awsNames[i]));
      if (awsNames[i].equals("start")) {
        start = i;
      }
    }
    this.layout = new FieldLayout(fields);
    this.startField = start;
  }

  private static void known(String awsName, String field, boolean integer) {
    KNOWN.put(awsName, new Spec(field, integer));
  }

  /** The field names of {@code ${a} ${b}} or {@code a b}, checked. */
  private static List<String> names(String format) {
    String text = format.strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          "VPC flow log format is empty; give the fields in order, as in " + DEFAULT_FORMAT);
    }
    List<String> names = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String token : text.split("\\s+")) {
      String name = token;
      if (name.startsWith("${") && name.endsWith("}")) {
        name = name.substring(2, name.length() - 1);
      }
      if (name.isEmpty() || !name.chars().allMatch(FlowLogParser::isNameChar)) {
        throw new IllegalArgumentException(
            "VPC flow log format: '"
                + token
                + "' is not a field; write fields as ${name} separated by spaces, as in "
                + DEFAULT_FORMAT);
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException(
            "VPC flow log format: field '" + name + "' appears twice; each field may appear once");
      }
      names.add(name);
    }
    return names;
  }

  private static boolean isNameChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  }

  /** The field names of a parsed line, in order. */
  List<String> fieldNames() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < layout.size(); i++) {
      names.add(layout.name(i));
    }
    return names;
  }

  @Override
  ParseResult parseLine(String line) {
    int expected = awsNames.length;
    int[] bounds = new int[expected * 2];
    int count = 0;
    int length = line.length();
    int i = 0;
    while (i < length) {
      if (line.charAt(i) == ' ') {
        i++;
        continue;
      }
      int end = line.indexOf(' ', i);
      if (end < 0) {
        end = length;
      }
      if (count < expected) {
        bounds[2 * count] = i;
        bounds[2 * count + 1] = end;
      }
      count++;
      i = end;
    }
    if (count != expected) {
      return new Rejected(
          RejectReason.WRONG_FIELD_COUNT,
          "expected " + expected + " fields (" + describeFormat() + "), found " + count);
    }
    if (isHeader(line, bounds)) {
      return new Rejected(RejectReason.HEADER, "the line names the format's fields");
    }
    Object[] values = new Object[expected];
    for (int f = 0; f < expected; f++) {
      int from = bounds[2 * f];
      int to = bounds[2 * f + 1];
      if (to - from == 1 && line.charAt(from) == '-') {
        continue; // absent: null, never 0
      }
      if (integer[f]) {
        long number = Numbers.parseLong(line, from, to);
        if (number == Numbers.NOT_A_LONG) {
          String found =
              to - from > 40 ? line.substring(from, from + 40) + "..." : line.substring(from, to);
          return new Rejected(
              RejectReason.BAD_FIELD,
              awsNames[f] + ": expected an integer. Found: '" + found + "'");
        }
        values[f] = number;
      } else {
        values[f] = line.substring(from, to);
      }
    }
    Instant timestamp = null;
    if (startField >= 0 && values[startField] instanceof Long start) {
      if (start < 0 || start > MAX_EPOCH_SECOND) {
        return new Rejected(
            RejectReason.BAD_FIELD, "start: expected epoch seconds. Found: " + start);
      }
      timestamp = Instant.ofEpochSecond(start);
    }
    return new Parsed(timestamp, FieldMap.of(layout, values, expected));
  }

  private boolean isHeader(String line, int[] bounds) {
    for (int f = 0; f < awsNames.length; f++) {
      int from = bounds[2 * f];
      int to = bounds[2 * f + 1];
      if (to - from != awsNames[f].length() || !line.startsWith(awsNames[f], from)) {
        return false;
      }
    }
    return true;
  }

  private String describeFormat() {
    if (awsNames.length <= 4) {
      return String.join(" ", awsNames);
    }
    return awsNames[0] + " " + awsNames[1] + " ... " + awsNames[awsNames.length - 1];
  }

  @Override
  public String toString() {
    return "FlowLogParser[" + String.join(" ", awsNames) + "]";
  }
}
