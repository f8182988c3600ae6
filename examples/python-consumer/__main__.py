"""Cassandra across two GKE regions, from Python, with the cassandra-mc component package.

The component takes the same settings as the TypeScript program (the repository README's
"Configuration reference"), in Python's snake_case, and validates them all before anything is
created. The GCP project comes from the provider's own key, `gcp:project`.
"""

import json

import pulumi
import pulumi_cassandra_mc as cassandra_mc

config = pulumi.Config()

cluster = cassandra_mc.CassandraCluster(
    "orders",
    gcp_project=pulumi.Config("gcp").require("project"),
    cluster_name="orders",
    datacenters=[
        cassandra_mc.DatacenterArgs(
            name="dc1",
            region="europe-west4",
            zones=["europe-west4-a", "europe-west4-b", "europe-west4-c"],
            size=3,
        ),
        cassandra_mc.DatacenterArgs(
            name="dc2",
            region="us-east1",
            zones=["us-east1-b", "us-east1-c"],
            size=4,
            racks=[
                cassandra_mc.RackArgs(name="east-b", zone="us-east1-b"),
                cassandra_mc.RackArgs(name="east-c", zone="us-east1-c"),
            ],
            node_machine_type="n2-highmem-8",
            storage_gb=500,
        ),
    ],
    ingress=cassandra_mc.IngressKind.TRAEFIK,
    external_domain=config.require("externalDomain"),
    client_cidrs=config.require_object("clientCidrs"),
    tls=cassandra_mc.TlsSettingsArgs(
        require_client_auth=True,
        client_certificates=["orders-service"],
    ),
)

pulumi.export("datacenters", cluster.datacenters)
pulumi.export("caCertificate", cluster.ca_cert_pem)
pulumi.export(
    "clientBundle",
    cluster.client_bundle_json.apply(lambda bundle: json.loads(bundle) if bundle else None),
)
pulumi.export("superuser", cluster.superuser)
pulumi.export("clientCertificates", cluster.client_certificates)
