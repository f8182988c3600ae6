import com.datastax.oss.driver.api.core.ConsistencyLevel;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import com.datastax.oss.driver.api.core.metadata.NodeStateListenerBase;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The e2e's Java application: a session made with CqlSession.builder().build() from nothing
 * but the files `npm run client-config` wrote (application.conf via -Dconfig.file, and the
 * compiled ExternalAccess; the node state listener only observes). It answers the line protocol
 * of test/e2e/harness/workload.ts.
 */
public final class Workload {
  private static final Map<String, Phase> phases = new ConcurrentHashMap<>();
  private static volatile String phase = "start";
  private static volatile boolean loading;
  /**
   * Per host ID, whether the last node state event was UP. The load balancing policy takes its
   * live nodes from the same events (java-driver 4.18.1 LoadBalancingPolicyWrapper
   * processNodeStateEvent; DefaultSession onNodeStateChanged calls the listeners), and a node
   * that comes back is UP in its metadata before that event is fired, after a refresh of its row
   * (NodeStateManager.setState). So "routed" is what decides whether requests go to the node.
   */
  private static final Map<UUID, Boolean> routed = new ConcurrentHashMap<>();

  static final class Phase {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final List<String> errors = new ArrayList<>();
    final Map<String, AtomicLong> coordinators = new ConcurrentHashMap<>();
    /** The longest a write of the phase took, acknowledged or not: how close it came to a timeout. */
    final AtomicLong slowestMs = new AtomicLong();
  }

  public static void main(String[] args) throws Exception {
    CqlSession session;
    try {
      session =
          CqlSession.builder()
              .addNodeStateListener(
                  new NodeStateListenerBase() {
                    @Override
                    public void onUp(Node node) {
                      routed.put(node.getHostId(), true);
                    }

                    @Override
                    public void onDown(Node node) {
                      routed.put(node.getHostId(), false);
                    }

                    @Override
                    public void onRemove(Node node) {
                      routed.put(node.getHostId(), false);
                    }

                    @Override
                    public void close() {}
                  })
              .build();
    } catch (Exception e) {
      System.out.println("{\"error\":" + q(e.toString()) + "}");
      System.exit(3);
      return;
    }
    System.out.println("{\"ready\":true}");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    List<Thread> workers = new ArrayList<>();
    for (String line; (line = in.readLine()) != null; ) {
      String[] c = line.trim().split(" ");
      switch (c[0]) {
        case "info":
          System.out.println(info(session));
          break;
        case "replicas":
          System.out.println(replicas(session, c[1], Integer.parseInt(c[2])));
          break;
        case "load":
          loading = true;
          PreparedStatement insert =
              session.prepare("INSERT INTO " + c[1] + ".kv (k, v) VALUES (?, ?)");
          String prefix = c.length > 2 ? c[2] : "w";
          for (int i = 0; i < 3; i++) {
            String worker = prefix + i;
            Thread t = new Thread(() -> load(session, insert, worker));
            t.start();
            workers.add(t);
          }
          System.out.println("{\"loading\":true}");
          break;
        case "phase":
          phase = c[1];
          System.out.println("{\"phase\":" + q(phase) + "}");
          break;
        case "status":
          System.out.println(status());
          break;
        case "stop":
          loading = false;
          for (Thread t : workers) {
            t.join();
          }
          System.out.println(status());
          session.close();
          return;
        default:
          System.out.println("{\"error\":" + q("unknown command " + c[0]) + "}");
      }
    }
  }

  /** Idempotent keyed writes, one at a time per worker: what a node kill must not fail. */
  static void load(CqlSession session, PreparedStatement insert, String worker) {
    for (long n = 0; loading; n++) {
      String at = phase;
      Phase p = phases.computeIfAbsent(at, k -> new Phase());
      BoundStatement s =
          insert
              .bind(worker + "-" + n, at)
              .setIdempotent(true)
              .setConsistencyLevel(ConsistencyLevel.LOCAL_ONE);
      long t0 = System.nanoTime();
      try {
        AsyncResultSet rs = session.executeAsync(s).toCompletableFuture().get();
        p.slowestMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
        p.ok.incrementAndGet();
        p.coordinators
            .computeIfAbsent(
                String.valueOf(rs.getExecutionInfo().getCoordinator().getHostId()),
                k -> new AtomicLong())
            .incrementAndGet();
      } catch (Exception e) {
        p.slowestMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
        p.failed.incrementAndGet();
        synchronized (p.errors) {
          if (p.errors.size() < 5) {
            p.errors.add(e.toString());
          }
        }
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  static String info(CqlSession session) {
    List<String> nodes = new ArrayList<>();
    for (Node n : session.getMetadata().getNodes().values()) {
      nodes.add(
          "{\"hostId\":" + q(String.valueOf(n.getHostId()))
              + ",\"datacenter\":" + q(n.getDatacenter())
              + ",\"endpoint\":" + q(String.valueOf(n.getEndPoint()))
              + ",\"up\":"
              + (n.getState() == NodeState.UP && routed.getOrDefault(n.getHostId(), true))
              + ",\"connections\":" + n.getOpenConnections() + "}");
    }
    return "{\"nodes\":[" + String.join(",", nodes) + "]}";
  }

  /** Keyed writes: how many were coordinated by a replica of their key. */
  static String replicas(CqlSession session, String keyspace, int count) {
    PreparedStatement insert = session.prepare("INSERT INTO " + keyspace + ".kv (k, v) VALUES (?, ?)");
    TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow();
    String localDc = session.getContext().getConfig().getDefaultProfile().getString(
        com.datastax.oss.driver.api.core.config.DefaultDriverOption.LOAD_BALANCING_LOCAL_DATACENTER);
    int onReplica = 0;
    Map<String, Integer> coordinators = new TreeMap<>();
    for (int i = 0; i < count; i++) {
      String key = "key-" + i;
      Node coordinator = session.execute(insert.bind(key, "v")).getExecutionInfo().getCoordinator();
      Set<Node> replicas =
          tokens.getReplicas(keyspace, ByteBuffer.wrap(key.getBytes(StandardCharsets.UTF_8))).stream()
              .filter(n -> localDc.equals(n.getDatacenter()))
              .collect(Collectors.toSet());
      if (replicas.contains(coordinator)) {
        onReplica++;
      }
      coordinators.merge(String.valueOf(coordinator.getHostId()), 1, Integer::sum);
    }
    return "{\"total\":" + count + ",\"onReplica\":" + onReplica + ",\"coordinators\":" + json(coordinators) + "}";
  }

  static String status() {
    List<String> out = new ArrayList<>();
    phases.forEach(
        (name, p) -> {
          Map<String, Integer> c = new TreeMap<>();
          p.coordinators.forEach((k, v) -> c.put(k, (int) v.get()));
          List<String> errors;
          synchronized (p.errors) {
            errors = p.errors.stream().map(Workload::q).collect(Collectors.toList());
          }
          out.add(q(name) + ":{\"ok\":" + p.ok.get() + ",\"failed\":" + p.failed.get()
              + ",\"slowestMs\":" + p.slowestMs.get()
              + ",\"errors\":[" + String.join(",", errors) + "],\"coordinators\":" + json(c) + "}");
        });
    return "{\"phases\":{" + String.join(",", out) + "}}";
  }

  static String json(Map<String, Integer> m) {
    return m.entrySet().stream()
        .map(e -> q(e.getKey()) + ":" + e.getValue())
        .collect(Collectors.joining(",", "{", "}"));
  }

  static String q(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') {
        b.append('\\').append(ch);
      } else if (ch < 0x20) {
        b.append(String.format("\\u%04x", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.append('"').toString();
  }
}
