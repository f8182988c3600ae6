"""Runs a Pulumi Python program against a stand-in for the SDK that `pulumi package add` generates
from a component package's schema, and prints, as JSON, the component's inputs in the form the
generated SDK sends them to the engine (schema names, `None`s left out, enums as their values).

usage: python3 sdk_stub.py <schema.json> <program.py> <project>   (stack config in $PULUMI_CONFIG)

The stand-in is built from the schema the way pulumi/pulumi v3.248.0's Python codegen names
things (pkg/codegen/python): every property `fooBar` becomes the keyword `foo_bar` (`PyName`,
python.go `pyName`), every object type `T` an input class `TArgs` (gen.go `inputTypeName`), every
enum member `LoadBalancer` the constant `LOAD_BALANCER` (utilities.go `makeSafeEnumName`), and
the module is `pulumi_<package>` (gen.go `PyPack`). A keyword, class or constant the real SDK
would not have fails here with the names it would have. Values are checked against the schema's
types; outputs are stand-ins whose `apply` runs the callback on a sample value of the schema type.
Only the parts of `pulumi` that programs use at the top level are provided: `Config`, `export`,
`ResourceOptions`, `Output`.
"""

import enum
import json
import os
import runpy
import sys
import types


def py_name(name):
    """pkg/codegen/python/python.go `pyName` (non-legacy): camelCase to snake_case, acronyms kept."""
    first, upper, acronym, lower_or_number = range(4)
    result, current, state = [], "", first
    for char in name:
        if not (char.isalnum() or char == "_"):
            char = "_"
        if state == first:
            if not (char.isalpha() or char == "_"):
                current += "_"
            if char.isupper():
                state, current = upper, current + char.lower()
            else:
                state, current = lower_or_number, current + char
        elif state == upper:
            if char.isupper():
                state, current = acronym, current + char.lower()
            else:
                state, current = lower_or_number, current + char
        elif state == acronym:
            if char.isupper():
                current += char.lower()
            elif char.isdigit() or char == "s":
                state, current = lower_or_number, current + char
            else:
                result.append(current[:-1])
                current, state = current[-1] + char, lower_or_number
        else:
            if char.isupper():
                result.append(current)
                current, state = char.lower(), upper
            else:
                current += char
    result.append(current)
    return "_".join(part for part in result if part)


def enum_member_name(name):
    """pkg/codegen/python/utilities.go `makeSafeEnumName`, for the names used here."""
    return "_".join(part for part in py_name(name).upper().split("_") if part)


def fail(message):
    raise TypeError(message)


class Schema:
    def __init__(self, spec):
        self.spec = spec
        self.package = spec["name"]
        self.types = {token.split(":")[-1]: t for token, t in spec["types"].items()}

    def ref_name(self, prop):
        return prop["$ref"].split(":")[-1] if "$ref" in prop else None


class Stub:
    """The generated module's classes, and the conversion of a call's arguments into inputs."""

    def __init__(self, schema):
        self.schema = schema
        self.enums = {}
        self.input_classes = {}
        self.recorded = []

    def module(self):
        mod = types.ModuleType("pulumi_" + self.schema.package.replace("-", "_"))
        inputs = self.input_types()
        for name, t in self.schema.types.items():
            if "enum" in t:
                members = {enum_member_name(m["name"]): m["value"] for m in t["enum"]}
                self.enums[name] = enum.Enum(name, members, type=str)
                setattr(mod, name, self.enums[name])
            elif name in inputs:
                self.input_classes[name] = self.input_class(name, t)
                setattr(mod, name + "Args", self.input_classes[name])
        for token, resource in self.schema.spec["resources"].items():
            cls = self.resource_class(token, resource)
            setattr(mod, token.split(":")[-1], cls)
        return mod

    def input_types(self):
        """Object types reachable from a resource's inputs: only they get an `Args` class."""
        found, pending = set(), [p for r in self.schema.spec["resources"].values() for p in r["inputProperties"].values()]
        while pending:
            prop = pending.pop()
            ref = self.schema.ref_name(prop)
            if ref is not None and ref not in found:
                found.add(ref)
                pending.extend(self.schema.types[ref].get("properties", {}).values())
            pending.extend(p for p in (prop.get("items"), prop.get("additionalProperties")) if p)
        return found

    def input_class(self, name, t):
        stub = self

        class InputType:
            def __init__(self, **kwargs):
                self.values = stub.convert_kwargs(f"{name}Args", t.get("properties", {}), t.get("required", []), kwargs)

        InputType.__name__ = InputType.__qualname__ = name + "Args"
        return InputType

    def resource_class(self, token, resource):
        stub = self
        class_name = token.split(":")[-1]

        class Component:
            def __init__(self, resource_name, opts=None, **kwargs):
                if not isinstance(resource_name, str):
                    fail(f"{class_name}: the resource name must be a string")
                inputs = stub.convert_kwargs(class_name, resource["inputProperties"], resource.get("requiredInputs", []), kwargs)
                stub.recorded.append({"type": token, "name": resource_name, "inputs": inputs})
                for prop_name, prop in resource["properties"].items():
                    setattr(self, py_name(prop_name), Output(stub.sample(prop)))

        Component.__name__ = Component.__qualname__ = class_name
        return Component

    def convert_kwargs(self, owner, properties, required, kwargs):
        by_py_name = {py_name(k): k for k in properties}
        inputs = {}
        for key, value in kwargs.items():
            if key not in by_py_name:
                fail(f"{owner}() got an unexpected keyword argument '{key}'; it takes {sorted(by_py_name)}")
            if value is not None:
                inputs[by_py_name[key]] = self.convert(f"{owner}.{key}", properties[by_py_name[key]], value)
        missing = [py_name(k) for k in required if k not in inputs]
        if missing:
            fail(f"{owner}() missing required keyword arguments: {missing}")
        return inputs

    def convert(self, where, prop, value):
        if isinstance(value, Output):
            fail(f"{where}: the schema marks it plain; an Output cannot be passed")
        ref = self.schema.ref_name(prop)
        if ref in self.enums:
            if isinstance(value, self.enums[ref]):
                return value.value
            if value in [m.value for m in self.enums[ref]]:
                return value
            fail(f"{where}: {value!r} is not one of {[m.value for m in self.enums[ref]]}")
        if ref is not None:
            cls = self.input_classes[ref]
            if isinstance(value, cls):
                return value.values
            if isinstance(value, dict):
                return cls(**value).values
            fail(f"{where}: expected {ref}Args or a dict, got {type(value).__name__}")
        kind = prop["type"]
        if kind == "string" and isinstance(value, str):
            return value
        if kind == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if kind == "boolean" and isinstance(value, bool):
            return value
        if kind == "array" and isinstance(value, (list, tuple)):
            return [self.convert(f"{where}[{i}]", prop["items"], v) for i, v in enumerate(value)]
        if kind == "object" and isinstance(value, dict):
            return {k: self.convert(f"{where}[{k!r}]", prop["additionalProperties"], v) for k, v in value.items()}
        fail(f"{where}: expected {kind}, got {type(value).__name__} {value!r}")

    def sample(self, prop):
        """A value of the property's output type: objects with their attributes, one map entry."""
        ref = self.schema.ref_name(prop)
        if ref is not None:
            t = self.schema.types[ref]
            if "enum" in t:
                return t["enum"][0]["value"]
            return types.SimpleNamespace(**{py_name(k): self.sample(p) for k, p in t.get("properties", {}).items()})
        kind = prop["type"]
        if kind == "array":
            return [self.sample(prop["items"])]
        if kind == "object":
            return {"example": self.sample(prop["additionalProperties"])}
        if prop.get("optional"):
            return None
        return {"string": "example", "number": 1, "boolean": True}[kind]


class Output:
    def __init__(self, value):
        self.value = value

    def apply(self, fn):
        return Output(fn(self.value))

    @staticmethod
    def secret(value):
        return Output(value)


class ResourceOptions:
    def __init__(self, **kwargs):
        self.__dict__.update(kwargs)


def pulumi_module(project, config, exports):
    mod = types.ModuleType("pulumi")

    class Config:
        def __init__(self, name=None):
            self.name = name or project

        def get(self, key, default=None):
            return config.get(f"{self.name}:{key}", default)

        def require(self, key):
            value = self.get(key)
            if value is None:
                raise KeyError(f"Missing required configuration variable '{self.name}:{key}'")
            return value

        def get_object(self, key, default=None):
            value = self.get(key)
            return default if value is None else json.loads(value)

        def require_object(self, key):
            return json.loads(self.require(key))

        def get_bool(self, key, default=None):
            value = self.get(key)
            return default if value is None else value == "true"

    mod.Config = Config
    mod.Output = Output
    mod.ResourceOptions = ResourceOptions
    mod.export = lambda name, value: exports.append(name)
    return mod


def main():
    schema_path, program, project = sys.argv[1:4]
    with open(schema_path, encoding="utf-8") as f:
        stub = Stub(Schema(json.load(f)))
    exports = []
    sys.modules["pulumi"] = pulumi_module(project, json.loads(os.environ.get("PULUMI_CONFIG", "{}")), exports)
    sdk = stub.module()
    sys.modules[sdk.__name__] = sdk
    runpy.run_path(program, run_name="__main__")
    json.dump({"registered": stub.recorded, "exports": exports}, sys.stdout)


if __name__ == "__main__":
    main()
