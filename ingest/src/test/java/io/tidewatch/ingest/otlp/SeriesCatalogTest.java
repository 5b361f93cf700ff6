package io.tidewatch.ingest.otlp;

import static io.tidewatch.ingest.otlp.OtlpProto.attr;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.tidewatch.model.metric.SeriesId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SeriesCatalogTest {

  private final SeriesCatalog catalog = new SeriesCatalog();

  private SeriesCatalog.ResourceSeries resource(String namespace, Map<String, String> dimensions) {
    return catalog.resource(namespace, new TreeMap<>(dimensions));
  }

  @Test
  void shouldFindTheSameSeriesAgainWhenSpelledTheSameWayInALaterExport() {
    EncodedSeries first =
        catalog.series(
            resource("shop", Map.of("host.name", "web-1")), "cpu", List.of(attr("cpu", "0")));
    // A later export: new objects with the same content.
    EncodedSeries again =
        catalog.series(
            resource("shop", Map.of("host.name", "web-1")),
            new String("cpu"),
            List.of(attr(new String("cpu"), new String("0"))));

    assertThat(again).isSameAs(first);
    assertThat(first.id())
        .isEqualTo(SeriesId.of("shop", "cpu", Map.of("host.name", "web-1", "cpu", "0")));
    assertThat(first.key()).isEqualTo(first.id().key());
    assertThat(catalog.size()).isEqualTo(1);
  }

  @Test
  void shouldGiveEqualIdsWhenAttributesComeInAnotherOrder() {
    SeriesCatalog.ResourceSeries resource = resource("shop", Map.of());

    EncodedSeries ab = catalog.series(resource, "cpu", List.of(attr("a", "1"), attr("b", "2")));
    EncodedSeries ba = catalog.series(resource, "cpu", List.of(attr("b", "2"), attr("a", "1")));

    assertThat(ba.id()).isEqualTo(ab.id());
    assertThat(ba.key()).isEqualTo(ab.key());
    assertThat(ba.fields()).isEqualTo(ab.fields());
  }

  @Test
  void shouldTellApartSeriesThatDifferOnlyInResourceNameOrAttributeValue() {
    SeriesCatalog.ResourceSeries web1 = resource("shop", Map.of("host.name", "web-1"));
    SeriesCatalog.ResourceSeries web2 = resource("shop", Map.of("host.name", "web-2"));
    SeriesCatalog.ResourceSeries otherNamespace = resource("bank", Map.of("host.name", "web-1"));
    List<KeyValue> cpu0 = List.of(attr("cpu", "0"));

    List<SeriesId> ids =
        List.of(
            catalog.series(web1, "cpu", cpu0).id(),
            catalog.series(web2, "cpu", cpu0).id(),
            catalog.series(otherNamespace, "cpu", cpu0).id(),
            catalog.series(web1, "memory", cpu0).id(),
            catalog.series(web1, "cpu", List.of(attr("cpu", "1"))).id(),
            catalog.series(web1, "cpu", List.of()).id(),
            // the same characters, split differently
            catalog.series(web1, "cpu", List.of(attr("ab", "c"))).id(),
            catalog.series(web1, "cpu", List.of(attr("a", "bc"))).id(),
            catalog.series(web1, "cpua", List.of(attr("b", "c"))).id());

    assertThat(ids).doesNotHaveDuplicates();
  }

  @Test
  void shouldLetAPointAttributeWinOverTheResourceAndALaterOneOverAnEarlier() {
    EncodedSeries series =
        catalog.series(
            resource("shop", Map.of("host.name", "from-resource")),
            "cpu",
            List.of(attr("host.name", "first"), attr("host.name", "second")));

    assertThat(series.id().dimensions()).containsExactlyEntriesOf(Map.of("host.name", "second"));
  }

  @Test
  void shouldRenderNonStringAttributeValuesAsDimensionText() {
    EncodedSeries series =
        catalog.series(
            resource("shop", Map.of()),
            "cpu",
            List.of(attr("core", AnyValue.newBuilder().setIntValue(3).build())));
    EncodedSeries sameAsText =
        catalog.series(resource("shop", Map.of()), "cpu", List.of(attr("core", "3")));

    assertThat(series.id().dimensions()).containsEntry("core", "3");
    assertThat(sameAsText.id()).isEqualTo(series.id());
  }

  @Test
  void shouldKeepOneResourceInstancePerDistinctResource() {
    assertThat(resource("shop", Map.of("host.name", "web-1")))
        .isSameAs(resource("shop", Map.of("host.name", "web-1")))
        .isNotSameAs(resource("shop", Map.of("host.name", "web-2")));
  }

  @Test
  void shouldStayBoundedAndStillAnswerRightAfterStartingOver() {
    SeriesCatalog small = new SeriesCatalog(4);
    SeriesCatalog.ResourceSeries resource = small.resource("shop", new TreeMap<>());
    for (int i = 0; i < 20; i++) {
      EncodedSeries series =
          small.series(resource, "cpu", List.of(attr("cpu", Integer.toString(i % 7))));
      assertThat(series.id().dimensions()).containsEntry("cpu", Integer.toString(i % 7));
      assertThat(small.size()).isLessThanOrEqualTo(4);
    }
  }

  @Test
  void shouldSpreadTheSpellingsOfAFleetOverDistinctHashes() {
    // 8 hosts x 100 metrics x 10 CPUs: with 31 * h + x, host web-3's metric.45 and host web-4's
    // metric.35 hashed alike, and 8,000 series shared 2,600 hashes.
    Set<Integer> hashes = new HashSet<>();
    for (int host = 0; host < 8; host++) {
      SeriesCatalog.ResourceSeries resource =
          resource("shop", Map.of("service.name", "shop", "host.name", "web-" + host));
      for (int metric = 0; metric < 100; metric++) {
        for (int cpu = 0; cpu < 10; cpu++) {
          hashes.add(
              SeriesCatalog.spellingHash(
                  resource, "metric." + metric, new String[] {"cpu", Integer.toString(cpu)}));
        }
      }
    }

    assertThat(hashes).hasSizeGreaterThan(7_990);
  }

  /** Maps one export's points of metric cpu, each with attribute cpu=value, through the catalog. */
  private List<EncodedSeries> export(SeriesCatalog.ResourceSeries resource, String... cpus) {
    SeriesCatalog.MetricSeries points = catalog.metric(resource, "cpu");
    List<EncodedSeries> found = new ArrayList<>();
    for (String cpu : cpus) {
      found.add(points.next(List.of(attr("cpu", cpu))));
    }
    points.finish();
    return found;
  }

  private static List<String> cpus(List<EncodedSeries> series) {
    return series.stream().map(s -> s.id().dimensions().get("cpu")).toList();
  }

  @Test
  void shouldFindEachPointsSeriesWhetherTheOrderIsKeptOrChanges() {
    SeriesCatalog.ResourceSeries resource = resource("shop", Map.of("host.name", "web-1"));

    List<EncodedSeries> first = export(resource, "0", "1", "2");
    List<EncodedSeries> same = export(resource, "0", "1", "2");
    List<EncodedSeries> reordered = export(resource, "2", "0", "1");
    List<EncodedSeries> fewer = export(resource, "2");
    List<EncodedSeries> more = export(resource, "2", "0", "1", "3");
    List<EncodedSeries> changedValue = export(resource, "2", "9", "1", "3");

    assertThat(cpus(first)).containsExactly("0", "1", "2");
    assertThat(same).containsExactlyElementsOf(first);
    assertThat(cpus(reordered)).containsExactly("2", "0", "1");
    assertThat(reordered).containsExactlyInAnyOrderElementsOf(first);
    assertThat(cpus(fewer)).containsExactly("2");
    assertThat(cpus(more)).containsExactly("2", "0", "1", "3");
    assertThat(cpus(changedValue)).containsExactly("2", "9", "1", "3");
    assertThat(catalog.size()).isEqualTo(5);
  }

  @Test
  void shouldKeepMetricsOfDifferentResourcesApart() {
    List<EncodedSeries> web1 = export(resource("shop", Map.of("host.name", "web-1")), "0");
    List<EncodedSeries> web2 = export(resource("shop", Map.of("host.name", "web-2")), "0");

    assertThat(web1.get(0).id().dimensions()).containsEntry("host.name", "web-1");
    assertThat(web2.get(0).id().dimensions()).containsEntry("host.name", "web-2");
  }

  @Test
  void shouldStillAnswerRightForAMetricWithMorePointsThanAnOrderKeeps() {
    SeriesCatalog.ResourceSeries resource = resource("shop", Map.of());
    String[] many = new String[SeriesCatalog.MAX_POINTS_PER_ORDER + 5];
    for (int i = 0; i < many.length; i++) {
      many[i] = Integer.toString(i);
    }

    export(resource, many);
    List<EncodedSeries> again = export(resource, many);

    assertThat(cpus(again)).containsExactly(many);
  }
}
