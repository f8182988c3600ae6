"""Checks the Python example and the SDK stand-in against the SDK pulumi's own codegen generated.

usage: python check.py <work dir with schema.json, state.json, inputs.json> <example dir>
(run by check.sh, with the real `pulumi` and the generated `pulumi_cassandra_mc` installed)

1. The stand-in (../python/sdk_stub.py) has exactly the generated SDK's input classes, keywords,
   enum constants and outputs, so the in-suite check of the example means what it says.
2. The example, run with the real SDK under Pulumi's Python mocks, sends the inputs the stand-in
   reported (which construct.test.ts constructs).
3. The generated SDK reads the provider's real Construct answer: typed outputs, secrets kept.
"""

import asyncio
import inspect
import json
import os
import runpy
import sys

import pulumi
import pulumi_cassandra_mc as sdk

work, example = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
import sdk_stub  # noqa: E402


def load(name):
    with open(os.path.join(work, name), encoding="utf-8") as f:
        return json.load(f)


schema, state, stub_inputs = load("schema.json"), load("state.json"), load("inputs.json")
problems = []

# 1. The same surface.
stub = sdk_stub.Stub(sdk_stub.Schema(schema))
input_types = stub.input_types()
for token, t in schema["types"].items():
    name = token.split(":")[-1]
    if "enum" in t:
        want = {sdk_stub.enum_member_name(m["name"]): m["value"] for m in t["enum"]}
        got = {m.name: m.value for m in getattr(sdk, name)}
        if want != got:
            problems.append(f"enum {name}: stand-in {want}, SDK {got}")
    elif (name in input_types) != hasattr(sdk, name + "Args"):
        problems.append(f"{name}Args: stand-in {name in input_types}, SDK {hasattr(sdk, name + 'Args')}")
    elif name in input_types:
        got = set(inspect.signature(getattr(sdk, name + "Args").__init__).parameters) - {"__self__"}
        want = {sdk_stub.py_name(k) for k in t["properties"]}
        if want != got:
            problems.append(f"{name}Args: stand-in {sorted(want)}, SDK {sorted(got)}")
for token, r in schema["resources"].items():
    cls = getattr(sdk, token.split(":")[-1])
    got = set(inspect.signature(cls._internal_init).parameters) - {"__self__", "resource_name", "opts", "__props__"}
    want = {sdk_stub.py_name(k) for k in r["inputProperties"]}
    if want != got:
        problems.append(f"{token} keywords: stand-in {sorted(want)}, SDK {sorted(got)}")
    problems += [f"{token} has no output {o}" for o in (sdk_stub.py_name(k) for k in r["properties"]) if not hasattr(cls, o)]


# 2 and 3. The example under mocks, answered with the provider's state.
class Mocks(pulumi.runtime.Mocks):
    sent = []

    def new_resource(self, args):
        Mocks.sent.append(args.inputs)
        return [args.name, state]

    def call(self, args):
        return {}


pulumi.runtime.set_mocks(Mocks(), project="cassandra-python", stack="dev", preview=False)
pulumi.runtime.set_all_config(json.loads(os.environ["PULUMI_CONFIG"]), [])
cluster = runpy.run_path(os.path.join(example, "__main__.py"), run_name="__main__")["cluster"]
loop = asyncio.get_event_loop()
dcs = loop.run_until_complete(cluster.datacenters.future())
if json.dumps(Mocks.sent[0], sort_keys=True) != json.dumps(json.loads(json.dumps(stub_inputs), parse_int=float), sort_keys=True):
    problems.append(f"the SDK sent {Mocks.sent[0]}, the stand-in reported {stub_inputs}")
if not isinstance(dcs["dc1"], sdk.outputs.DatacenterEndpoints) or not dcs["dc1"].ingress_address:
    problems.append(f"datacenters: {dcs}")
for name in ("superuser", "client_certificates"):
    if not loop.run_until_complete(getattr(cluster, name).is_secret()):
        problems.append(f"{name} is not a secret")
superuser = loop.run_until_complete(cluster.superuser.future())
bundle = json.loads(loop.run_until_complete(cluster.client_bundle_json.future()))
print(f"dc1 ingress {dcs['dc1'].ingress_address}, superuser {superuser.username}, {len(bundle['nodes'])} nodes in the bundle")
print("\n".join(problems) or "the stand-in, the example and the generated SDK agree")
sys.exit(1 if problems else 0)
