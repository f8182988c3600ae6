"""Connects the DataStax Python driver (PyPI cassandra-driver 3.x) to one datacenter of a
cassandra-multicluster stack from outside its Kubernetes clusters: every node through a route
of its own, token-aware, with TLS verified against a name each node's certificate carries.

`npm run client-config` writes this file unchanged next to `client.json` (the nodes, read from
the stack's clientBundle) and the PEM files. Use it as is:

    from cassandra_multicluster import connect
    cluster, session = connect("client.json")               # each node through its own address
    cluster, session = connect("client.json", route="sni")  # each node by SNI on the entry point

Credentials come from CASSANDRA_USERNAME / CASSANDRA_PASSWORD when set.

How: the driver learns nodes from system.peers, by pod addresses that are unreachable from
outside. Its endpoint factory is called with each peer row, which carries the node's host ID
(cassandra/connection.py, 3.30.1: DefaultEndPointFactory.create(row)); the factory below
returns, per host ID, an SniEndPoint that connects to the node's external address and port
and sends `server_name` as SNI. The driver also passes that name as `server_hostname`
(SniEndPoint.ssl_options, Connection._wrap_socket_from_context), so with check_hostname on the
certificate is checked against it:
  - route "node": the node's dedicated port on its datacenter's entry point (checked against the
    entry point's name) or its own load balancer (checked against its own name);
  - route "sni": port 9042 of the shared entry point, SNI = the node's external name, which the
    ingress routes on and the node's certificate carries.
"""

import json
import logging
import os
import ssl

from cassandra import ConsistencyLevel
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import EXEC_PROFILE_DEFAULT, Cluster, ExecutionProfile
from cassandra.connection import DefaultEndPoint, EndPointFactory, SniEndPoint
from cassandra.policies import DCAwareRoundRobinPolicy, TokenAwarePolicy

log = logging.getLogger(__name__)

ROUTES = ("node", "sni")


def _endpoint(node, route):
    if route == "sni":
        return SniEndPoint(node["externalAddress"], node["externalName"], node["sniPort"])
    return SniEndPoint(node["externalAddress"], node["serverName"], node["port"])


class ExternalEndPointFactory(EndPointFactory):
    """Each node the driver discovers, by host ID, to the endpoint that reaches it from outside."""

    def __init__(self, nodes, route):
        self._by_host_id = {n["hostId"]: _endpoint(n, route) for n in nodes}

    def create(self, row):
        endpoint = self._by_host_id.get(str(row.get("host_id")))
        if endpoint is not None:
            return endpoint
        # system.peers_v2 names it native_address, system.peers rpc_address.
        address = row.get("native_address") or row.get("rpc_address")
        log.warning(
            "node %s (host ID %s) is not in client.json; it stays unreachable until you "
            "regenerate the file (npm run client-config) after the stack changed",
            address,
            row.get("host_id"),
        )
        return DefaultEndPoint(address, row.get("native_port") or 9042)


def load(config_path):
    """The configuration, with file names resolved against its directory."""
    with open(config_path, encoding="utf-8") as f:
        config = json.load(f)
    base = os.path.dirname(os.path.abspath(config_path))
    for key in ("caCertificate", "clientCertificate", "clientKey"):
        if config.get(key):
            config[key] = os.path.join(base, config[key])
    return config


def ssl_context(config):
    """TLS client context: the stack's CA pinned, host names checked, the client certificate when given."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname on, CERT_REQUIRED
    context.load_verify_locations(config["caCertificate"])
    if config.get("clientCertificate"):
        context.load_cert_chain(config["clientCertificate"], config["clientKey"])
    return context


def cluster(config_path="client.json", route="node", **cluster_options):
    """A Cluster for the configuration's local datacenter; `cluster_options` go to Cluster()."""
    if route not in ROUTES:
        raise ValueError("route must be one of %s, not %r" % (", ".join(ROUTES), route))
    config = load(config_path)
    dc = config["localDataCenter"]
    nodes = config["nodes"]
    if route == "sni" and not all(n.get("sniPort") for n in nodes):
        raise ValueError(
            "route 'sni' needs a shared SNI entry point; this stack gives each node its own "
            "load balancer: use route 'node'"
        )
    profile = ExecutionProfile(
        load_balancing_policy=TokenAwarePolicy(DCAwareRoundRobinPolicy(local_dc=dc)),
        consistency_level=ConsistencyLevel.LOCAL_QUORUM,
    )
    username = os.environ.get("CASSANDRA_USERNAME")
    auth = (
        PlainTextAuthProvider(username, os.environ.get("CASSANDRA_PASSWORD", ""))
        if username
        else None
    )
    return Cluster(
        contact_points=[_endpoint(n, route) for n in nodes if n["datacenter"] == dc],
        endpoint_factory=ExternalEndPointFactory(nodes, route),
        ssl_context=ssl_context(config),
        auth_provider=auth,
        execution_profiles={EXEC_PROFILE_DEFAULT: profile},
        **cluster_options,
    )


def connect(config_path="client.json", route="node", keyspace=None, **cluster_options):
    """(cluster, session) for the configuration's local datacenter."""
    c = cluster(config_path, route, **cluster_options)
    return c, c.connect(keyspace)
