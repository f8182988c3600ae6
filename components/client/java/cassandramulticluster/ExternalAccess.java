package cassandramulticluster;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.addresstranslation.AddressTranslator;
import com.datastax.oss.driver.api.core.auth.AuthProvider;
import com.datastax.oss.driver.api.core.auth.Authenticator;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.config.DriverExecutionProfile;
import com.datastax.oss.driver.api.core.config.DriverOption;
import com.datastax.oss.driver.api.core.config.OptionsMap;
import com.datastax.oss.driver.api.core.config.TypedDriverOption;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.loadbalancing.NodeDistance;
import com.datastax.oss.driver.api.core.metadata.EndPoint;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.session.SessionBuilder;
import com.datastax.oss.driver.api.core.ssl.SslEngineFactory;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the stock Java driver 4.x (com.datastax.oss or org.apache.cassandra java-driver-core)
 * reach every Cassandra node of a cassandra-multicluster stack from outside its Kubernetes
 * clusters, token-aware, with TLS verified. `npm run client-config` writes an application.conf
 * that names the two classes below; compile this file into the application unchanged, and
 * create the session with {@code CqlSession.builder().build()}.
 *
 * <p>Why a translator: the driver learns the nodes from system.peers by their broadcast RPC
 * addresses (pod IPs), which are unreachable from outside and change when pods move.
 * (DefaultTopologyMonitor.buildNodeEndPoint, java-driver 4.17.0/4.18.1, builds each peer's
 * endpoint from {@code AddressTranslator.translate(broadcastRpcAddress)}.) Every node, however,
 * has an address of its own outside: a dedicated port on its datacenter's entry point, its own
 * load balancer, or — for the SNI route — its own name on the shared entry point. The
 * translator asks the nodes, through those addresses, which pod address each has, and maps one
 * to the other; when the driver reports an address it does not know (a pod that moved), it asks
 * again.
 *
 * <p>Why an SSL engine factory: the driver's DefaultSslEngineFactory checks the certificate
 * against the endpoint's host (DefaultSslEngineFactory.newSslEngine), which is an IP address
 * when the stack outputs load balancer IPs, and node certificates carry names only. This one
 * checks each address against the name the configuration gives for it (a name the certificate
 * carries), sends that name as SNI, and reads the CA and client certificate as PEM.
 */
public final class ExternalAccess {
  private static final Logger LOG = LoggerFactory.getLogger(ExternalAccess.class);

  private ExternalAccess() {}

  /** The options this file reads, beside the driver's own. */
  public enum Option implements DriverOption {
    /** Pod name → "host:port serverName [hostId]": where each node is reached from outside. */
    NODES("advanced.address-translator.nodes"),
    /** Shortest time between two rounds of asking the nodes for their addresses. */
    REDISCOVERY_INTERVAL("advanced.address-translator.rediscovery-interval"),
    /** PEM file of the CA that issued the node certificates. */
    CA_CERTIFICATE("advanced.ssl-engine-factory.ca-certificate"),
    /** PEM files of the client certificate and its PKCS#8 key, for mutual TLS. */
    CLIENT_CERTIFICATE("advanced.ssl-engine-factory.client-certificate"),
    CLIENT_KEY("advanced.ssl-engine-factory.client-key");

    private final String path;

    Option(String path) {
      this.path = path;
    }

    @Override
    public String getPath() {
      return path;
    }
  }

  /** One node as the configuration lists it. */
  static final class ExternalNode {
    final String pod;
    /** Unresolved, so the driver resolves the name on every connection (load balancer addresses may change). */
    final InetSocketAddress address;
    final String serverName;
    final UUID hostId;

    ExternalNode(String pod, String spec) {
      String[] f = spec.trim().split("\\s+");
      int colon = f[0].lastIndexOf(':');
      if (f.length < 2 || f.length > 3 || colon <= 0) {
        throw new IllegalArgumentException(
            Option.NODES.getPath()
                + "."
                + pod
                + ": expected \"host:port serverName [hostId]\", got \""
                + spec
                + "\"");
      }
      this.pod = pod;
      this.address =
          InetSocketAddress.createUnresolved(
              f[0].substring(0, colon), Integer.parseInt(f[0].substring(colon + 1)));
      this.serverName = f[1];
      this.hostId = f.length == 3 ? UUID.fromString(f[2]) : null;
    }

    static List<ExternalNode> all(DriverExecutionProfile config) {
      List<ExternalNode> out = new ArrayList<>();
      config.getStringMap(Option.NODES).forEach((pod, spec) -> out.add(new ExternalNode(pod, spec)));
      if (out.isEmpty()) {
        throw new IllegalArgumentException(Option.NODES.getPath() + " lists no node");
      }
      return out;
    }
  }

  /** "host:port" as the configuration writes it, for unresolved and resolved addresses alike. */
  static String key(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }

  /** Maps each node's pod address to the address that reaches it from outside. */
  public static final class Translator implements AddressTranslator {
    private final DriverContext context;
    private final List<ExternalNode> nodes;
    private final long intervalNanos;
    private volatile Map<InetSocketAddress, InetSocketAddress> byPodAddress = Collections.emptyMap();
    private long lastRound;

    public Translator(DriverContext context) {
      this.context = context;
      DriverExecutionProfile config = context.getConfig().getDefaultProfile();
      this.nodes = ExternalNode.all(config);
      this.intervalNanos =
          config.getDuration(Option.REDISCOVERY_INTERVAL, Duration.ofSeconds(5)).toNanos();
      this.lastRound = System.nanoTime() - intervalNanos;
    }

    @Override
    public InetSocketAddress translate(InetSocketAddress address) {
      InetSocketAddress known = byPodAddress.get(address);
      if (known == null) {
        synchronized (this) {
          known = byPodAddress.get(address);
          if (known == null && System.nanoTime() - lastRound >= intervalNanos) {
            byPodAddress = discover();
            lastRound = System.nanoTime();
            known = byPodAddress.get(address);
          }
        }
      }
      if (known == null) {
        LOG.warn(
            "No external address for the node at {}: no node listed in {} answers from it. "
                + "Regenerate the configuration (npm run client-config) after the stack changed.",
            address,
            Option.NODES.getPath());
        return address;
      }
      return known;
    }

    /**
     * One session through any node lists every node's host ID and pod address; nodes whose host
     * ID the configuration gives are mapped from it. Nodes without one (or whose host ID is no
     * longer in the cluster) are asked one by one, through their own address.
     */
    private Map<InetSocketAddress, InetSocketAddress> discover() {
      Map<InetSocketAddress, InetSocketAddress> found = new HashMap<>();
      Map<UUID, InetSocketAddress> byHostId = Collections.emptyMap();
      List<ExternalNode> order = new ArrayList<>(nodes);
      Collections.shuffle(order);
      for (ExternalNode n : order) {
        Optional<Probe> p = Probe.of(context, n);
        if (p.isPresent()) {
          byHostId = p.get().podAddresses;
          found.put(p.get().self, n.address);
          break;
        }
      }
      List<CompletableFuture<Void>> asked = new ArrayList<>();
      for (ExternalNode n : nodes) {
        InetSocketAddress pod = n.hostId == null ? null : byHostId.get(n.hostId);
        if (pod != null) {
          found.put(pod, n.address);
        } else if (!found.containsValue(n.address)) {
          asked.add(
              CompletableFuture.runAsync(
                  () -> Probe.of(context, n).ifPresent(p -> {
                    synchronized (found) {
                      found.put(p.self, n.address);
                    }
                  })));
        }
      }
      CompletableFuture.allOf(asked.toArray(new CompletableFuture<?>[0])).join();
      LOG.debug("Pod address → external address: {}", found);
      return found;
    }

    @Override
    public void close() {}
  }

  /** What one node says through its external address: its own pod address and every node's. */
  static final class Probe {
    final InetSocketAddress self;
    final Map<UUID, InetSocketAddress> podAddresses;

    private Probe(InetSocketAddress self, Map<UUID, InetSocketAddress> podAddresses) {
      this.self = self;
      this.podAddresses = podAddresses;
    }

    /**
     * A short-lived session whose only contact point is the node's external address: its
     * control connection reads system.local and system.peers, and no pool is opened (every node
     * is IGNORED), so no unreachable pod address is ever dialled. TLS and authentication are the
     * application session's own.
     */
    static Optional<Probe> of(DriverContext context, ExternalNode n) {
      DriverExecutionProfile config = context.getConfig().getDefaultProfile();
      OptionsMap options = OptionsMap.driverDefaults();
      options.put(TypedDriverOption.LOAD_BALANCING_POLICY_CLASS, "DcInferringLoadBalancingPolicy");
      options.put(TypedDriverOption.METADATA_SCHEMA_ENABLED, false);
      options.put(TypedDriverOption.METADATA_TOKEN_MAP_ENABLED, false);
      options.put(TypedDriverOption.NETTY_IO_SIZE, 1);
      options.put(TypedDriverOption.NETTY_ADMIN_SIZE, 1);
      options.put(
          TypedDriverOption.CONNECTION_CONNECT_TIMEOUT,
          config.getDuration(TypedDriverOption.CONNECTION_CONNECT_TIMEOUT.getRawOption()));
      SessionBuilder<?, CqlSession> b =
          CqlSession.builder()
              .withConfigLoader(DriverConfigLoader.fromMap(options))
              .addContactPoint(n.address)
              .withNodeDistanceEvaluator((node, dc) -> NodeDistance.IGNORED);
      context.getSslEngineFactory().ifPresent(f -> b.withSslEngineFactory(new Borrowed(f)));
      context.getAuthProvider().ifPresent(a -> b.withAuthProvider(new BorrowedAuth(a)));
      CqlSession s = null;
      try {
        s = b.buildAsync().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Map<UUID, InetSocketAddress> all = new HashMap<>();
        InetSocketAddress self = null;
        for (Node node : s.getMetadata().getNodes().values()) {
          Optional<InetSocketAddress> rpc = node.getBroadcastRpcAddress();
          if (rpc.isPresent() && node.getHostId() != null) {
            all.put(node.getHostId(), rpc.get());
          }
          if (rpc.isPresent() && node.getEndPoint().resolve().equals(n.address)) {
            self = rpc.get();
          }
        }
        if (self == null) {
          LOG.warn("{} ({}) did not report its own address", n.pod, key(n.address));
          return Optional.empty();
        }
        return Optional.of(new Probe(self, all));
      } catch (Exception e) {
        LOG.warn("Could not ask {} through {}: {}", n.pod, key(n.address), e.toString());
        return Optional.empty();
      } finally {
        if (s != null) {
          s.closeAsync();
        }
      }
    }
  }

  /** The application session's SSL engine factory, lent to a probe, which must not close it. */
  static final class Borrowed implements SslEngineFactory {
    private final SslEngineFactory f;

    Borrowed(SslEngineFactory f) {
      this.f = f;
    }

    @Override
    public SSLEngine newSslEngine(EndPoint endPoint) {
      return f.newSslEngine(endPoint);
    }

    @Override
    public void close() {}
  }

  /** The application session's authentication, lent to a probe, which must not close it. */
  static final class BorrowedAuth implements AuthProvider {
    private final AuthProvider a;

    BorrowedAuth(AuthProvider a) {
      this.a = a;
    }

    @Override
    public Authenticator newAuthenticator(EndPoint endPoint, String serverAuthenticator)
        throws com.datastax.oss.driver.api.core.auth.AuthenticationException {
      return a.newAuthenticator(endPoint, serverAuthenticator);
    }

    @Override
    public void onMissingChallenge(EndPoint endPoint) {
      a.onMissingChallenge(endPoint);
    }

    @Override
    public void close() {}
  }

  /**
   * TLS with the CA pinned and hostname verification always on: each address is checked against
   * the name the configuration gives for it. The JDK sends that name as SNI (what the SNI route
   * picks the node by) and, with endpoint identification "HTTPS", requires it in the
   * certificate's subject alternative names.
   */
  public static final class Ssl implements SslEngineFactory {
    private final SSLContext sslContext;
    private final Map<String, String> serverNames = new HashMap<>();

    public Ssl(DriverContext context) {
      DriverExecutionProfile config = context.getConfig().getDefaultProfile();
      for (ExternalNode n : ExternalNode.all(config)) {
        serverNames.put(key(n.address), n.serverName);
      }
      try {
        this.sslContext = sslContext(config);
      } catch (Exception e) {
        throw new IllegalStateException("Cannot build the TLS context: " + e.getMessage(), e);
      }
    }

    @Override
    public SSLEngine newSslEngine(EndPoint endPoint) {
      SocketAddress a = endPoint.resolve();
      String name =
          a instanceof InetSocketAddress ? serverNames.get(key((InetSocketAddress) a)) : null;
      if (name == null) {
        // A pod address no node answered from: refuse rather than connect unverified.
        throw new IllegalStateException(
            "No node listed in " + Option.NODES.getPath() + " is reached through " + a);
      }
      InetSocketAddress address = (InetSocketAddress) a;
      // (name, port) is also the JDK's TLS session cache key. It differs per node on every route
      // (a node's own name, port or load balancer), so a resumed session never reaches another
      // node (the hazard SniSslEngineFactory, java-driver 4.18.1, works around with fake ports).
      SSLEngine engine = sslContext.createSSLEngine(name, address.getPort());
      engine.setUseClientMode(true);
      SSLParameters p = engine.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setServerNames(Collections.singletonList(new SNIHostName(name)));
      engine.setSSLParameters(p);
      return engine;
    }

    @Override
    public void close() {}

    private static SSLContext sslContext(DriverExecutionProfile config) throws Exception {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (Certificate ca : certificates(config.getString(Option.CA_CERTIFICATE))) {
        trust.setCertificateEntry("ca-" + i++, ca);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (config.isDefined(Option.CLIENT_CERTIFICATE)) {
        List<Certificate> chain = certificates(config.getString(Option.CLIENT_CERTIFICATE));
        PrivateKey key =
            privateKey(
                config.getString(Option.CLIENT_KEY),
                ((X509Certificate) chain.get(0)).getPublicKey().getAlgorithm());
        char[] none = new char[0];
        KeyStore identity = KeyStore.getInstance("PKCS12");
        identity.load(null, null);
        identity.setKeyEntry("client", key, none, chain.toArray(new Certificate[0]));
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(identity, none);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
      return context;
    }

    private static List<Certificate> certificates(String file) throws Exception {
      Collection<? extends Certificate> certs;
      try (ByteArrayInputStream in = new ByteArrayInputStream(Files.readAllBytes(path(file)))) {
        certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      }
      if (certs.isEmpty()) {
        throw new IllegalArgumentException(file + " holds no PEM certificate");
      }
      return new ArrayList<>(certs);
    }

    /** A PKCS#8 PEM key ("BEGIN PRIVATE KEY"), the format the stack outputs client keys in. */
    private static PrivateKey privateKey(String file, String algorithm) throws Exception {
      String pem = new String(Files.readAllBytes(path(file)), StandardCharsets.US_ASCII);
      int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
      int end = pem.indexOf("-----END PRIVATE KEY-----");
      if (begin < 0 || end < begin) {
        throw new IllegalArgumentException(file + " holds no PKCS#8 PEM key (BEGIN PRIVATE KEY)");
      }
      byte[] der =
          Base64.getMimeDecoder()
              .decode(pem.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
      return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    private static Path path(String file) {
      return Paths.get(file);
    }
  }
}
