"""The DataStax Python driver in SNI mode through the router: one TLS entry point, every node
selected by its host ID as SNI, as with a secure connect bundle. Reads its arguments as JSON on
stdin and prints what it saw as JSON on stdout; the vitest file makes the assertions.

The driver sends the host ID as SNI and, with check_hostname on, would also verify the
certificate against the host ID, which no certificate can carry (host IDs exist only after the
node first starts). So, like the driver's own cloud config, it verifies the chain against the
cluster CA and leaves the name check to us: every peer certificate must carry the entry point
name (see pki-plan entryPointName)."""
import json
import ssl
import sys

from cassandra import ConsistencyLevel
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.connection import SniEndPointFactory
from cassandra.pool import Host
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy

args = json.load(sys.stdin)

ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(cadata=args["ca"])
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_REQUIRED

factory = SniEndPointFactory(args["proxy"], args["port"])
profile = ExecutionProfile(
    load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=args["dc"])),
    consistency_level=ConsistencyLevel.LOCAL_QUORUM,
)
cluster = Cluster(
    contact_points=[factory.create_from_sni(h) for h in args["contactHostIds"]],
    endpoint_factory=factory,
    ssl_context=ctx,
    execution_profiles={EXEC_PROFILE_DEFAULT: profile},
    protocol_version=5,
)
session = cluster.connect()

ks = args["keyspace"]
session.execute(
    f"CREATE KEYSPACE IF NOT EXISTS {ks} WITH replication = "
    "{'class': 'NetworkTopologyStrategy', 'dc1': 1, 'dc2': 1}"
)
session.execute(f"CREATE TABLE IF NOT EXISTS {ks}.kv (k text PRIMARY KEY, v text)")
insert = session.prepare(f"INSERT INTO {ks}.kv (k, v) VALUES (?, ?)")
select = session.prepare(f"SELECT v FROM {ks}.kv WHERE k = ?")

rows, coordinated_by_replica, queried = 0, 0, set()
for i in range(args["rows"]):
    key = f"py-{i}"
    future = session.execute_async(insert, (key, "from python"))
    future.result()
    host = future.coordinator_host
    if not isinstance(host, Host):
        host = cluster.metadata.get_host(host)
    queried.add(str(host.host_id))
    replicas = cluster.metadata.get_replicas(ks, insert.bind((key, "")).routing_key)
    if host in replicas:
        coordinated_by_replica += 1
    if session.execute(select, (key,)).one().v == "from python":
        rows += 1

peer_names = []
for host in cluster.metadata.all_hosts():
    pool = session._pools.get(host)
    if pool is None:
        continue
    conns = getattr(pool, "_connections", None)
    conns = list(conns.values()) if isinstance(conns, dict) else (conns or [pool._connection])
    for conn in conns:
        cert = conn._socket.getpeercert()
        peer_names.append(
            {
                "sni": host.endpoint._server_name,
                "cn": dict(x[0] for x in cert["subject"])["commonName"],
                "dns": [v for (t, v) in cert.get("subjectAltName", ()) if t == "DNS"],
            }
        )

print(
    json.dumps(
        {
            "hosts": sorted(
                ({"hostId": str(h.host_id), "dc": h.datacenter, "endpoint": str(h.endpoint)} for h in cluster.metadata.all_hosts()),
                key=lambda h: h["hostId"],
            ),
            "rowsReadBack": rows,
            "coordinatedByReplica": coordinated_by_replica,
            "queriedHostIds": sorted(queried),
            "peers": peer_names,
        }
    )
)
cluster.shutdown()
