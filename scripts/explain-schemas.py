#!/usr/bin/env python3
"""Regenerates crates/kubectl/src/explain/schemas.json.deflate, the field documentation
`kubectl explain` shows, from Kubernetes v1.33's published API definitions.

Usage: scripts/explain-schemas.py SWAGGER_JSON K8S_API_DIR [OUT]

SWAGGER_JSON  api/openapi-spec/swagger.json of kubernetes/kubernetes v1.33.0 (the copy
              kubernetes-sigs/reference-docs keeps as gen-resourcesdocs/api/v1.33/swagger.json,
              commit 745186773cff26704c1874d96c0625f5ca46fad6; sha256
              2af5abf98554af1599e516f31f7f1698085e6faa12b816401f569c097b9f7ef6).
K8S_API_DIR   a checkout of kubernetes/api (k8s.io/api) at tag v0.33.0 (the Go types the
              definitions are generated from; commit 82c0029eaa2f5bdbfbbbce9305349a893e6c86dc).

The v1.33 API server serves these definitions as OpenAPI v3 documents (/openapi/v3), which
are what kubectl v1.33's `explain` reads. (Upstream also commits them as
api/openapi-spec/v3/*.json; those files were out of reach when this data was made, so it is
rebuilt from the two sources they are generated from.) They differ from the v2 file in three
ways this script reproduces, so the result is the v3 form:
  * a `$ref` with a description beside it is wrapped: {"description": …, "allOf": [{"$ref"}]};
    refs of list items and map values are wrapped too (the server adds a `default` beside them);
  * IntOrString and Quantity are `oneOf` types, not strings;
  * enum types (`// +enum` in k8s.io/api) carry `enum` and a "Possible enum values:" paragraph
    in their description, as kube-openapi's openapi-gen writes them (values sorted, one per
    value, the case with the longer comment kept); the v1.33 swagger.json carries neither.
The rules were checked against v3 documents a real API server served (kubernetes/kubectl's
testdata/openapi/v3) and the result against the real kubectl v1.33 rendering it.
Defaults are left out (explain does not show them). Only the schemas the served kinds reach
are kept. The output is compact JSON with sorted keys, deflated.
"""

import hashlib
import json
import os
import re
import sys
import zlib

# The kinds kubeplay serves (crates/model/src/kinds.rs), as (group, version, kind).
SERVED = [
    ("", "v1", "ConfigMap"),
    ("", "v1", "Endpoints"),
    ("", "v1", "Event"),
    ("", "v1", "Namespace"),
    ("", "v1", "Node"),
    ("", "v1", "PersistentVolumeClaim"),
    ("", "v1", "PersistentVolume"),
    ("", "v1", "Pod"),
    ("", "v1", "ReplicationController"),
    ("", "v1", "Secret"),
    ("", "v1", "ServiceAccount"),
    ("", "v1", "Service"),
    ("apps", "v1", "ControllerRevision"),
    ("apps", "v1", "DaemonSet"),
    ("apps", "v1", "Deployment"),
    ("apps", "v1", "ReplicaSet"),
    ("apps", "v1", "StatefulSet"),
    ("autoscaling", "v2", "HorizontalPodAutoscaler"),
    ("batch", "v1", "CronJob"),
    ("batch", "v1", "Job"),
    ("networking.k8s.io", "v1", "NetworkPolicy"),
    ("policy", "v1", "PodDisruptionBudget"),
    ("storage.k8s.io", "v1", "StorageClass"),
]

V2_PREFIX = "#/definitions/"
V3_PREFIX = "#/components/schemas/"
ONE_OF = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": [{"type": "integer"}, {"type": "string"}],
    "io.k8s.apimachinery.pkg.api.resource.Quantity": [{"type": "string"}, {"type": "number"}],
}
# Definition name prefix → package directory in k8s.io/api.
PACKAGES = {
    "io.k8s.api.core.v1.": "core/v1",
    "io.k8s.api.apps.v1.": "apps/v1",
    "io.k8s.api.batch.v1.": "batch/v1",
    "io.k8s.api.autoscaling.v2.": "autoscaling/v2",
    "io.k8s.api.networking.v1.": "networking/v1",
    "io.k8s.api.policy.v1.": "policy/v1",
    "io.k8s.api.storage.v1.": "storage/v1",
}


def go_files(directory):
    for name in sorted(os.listdir(directory)):
        if name.endswith(".go") and not name.endswith("_test.go") and not name.startswith("zz_generated") and name != "generated.pb.go":
            with open(os.path.join(directory, name), encoding="utf-8") as f:
                yield f.read()


def comment_block(lines, index):
    """The `//` comment lines right above line `index`, without the slashes."""
    block = []
    i = index - 1
    while i >= 0 and lines[i].strip().startswith("//"):
        text = lines[i].strip()[2:]
        block.insert(0, text[1:] if text.startswith(" ") else text)
        i -= 1
    return block


def parse_package(directory):
    """Enum types with their values, and struct fields (json name → Go type) of a package."""
    enum_types = set()
    constants = []  # (type, name, value, comment)
    aliases = []  # (name, aliased constant, comment)
    imports = {}
    structs = {}
    for source in go_files(directory):
        lines = source.split("\n")
        for line in lines:
            match = re.match(r'^\s*(\w+)\s+"k8s.io/api/([\w/]+)"', line)
            if match:
                imports[match.group(1)] = match.group(2)
        for i, line in enumerate(lines):
            match = re.match(r"^type (\w+) string\b", line)
            if match and any(c.strip() == "+enum" for c in comment_block(lines, i)):
                enum_types.add(match.group(1))
        in_const = False
        for i, line in enumerate(lines):
            stripped = line.strip()
            if stripped.startswith("const ("):
                in_const = True
                continue
            if in_const and stripped == ")":
                in_const = False
                continue
            match = None
            if in_const:
                match = re.match(r"^(\w+)\s+(\w+)\s*=\s*(\"(?:[^\"\\]|\\.)*\")", stripped)
            else:
                match = re.match(r"^const (\w+)\s+(\w+)\s*=\s*(\"(?:[^\"\\]|\\.)*\")", stripped)
            if match:
                name, typ, value = match.group(1), match.group(2), json.loads(match.group(3))
                constants.append((typ, name, value, "\n".join(comment_block(lines, i))))
            elif in_const:
                # An alias of another constant (`OldName = NewName`) has its type and value.
                alias = re.match(r"^(\w+)\s*=\s*(\w+)$", stripped)
                if alias:
                    aliases.append((alias.group(1), alias.group(2), "\n".join(comment_block(lines, i))))
        struct = None
        depth = 0
        for line in lines:
            match = re.match(r"^type (\w+) struct \{", line)
            if match:
                struct = structs.setdefault(match.group(1), {})
                depth = 1
                continue
            if struct is None:
                continue
            depth += line.count("{") - line.count("}")
            if depth <= 0:
                struct = None
                continue
            if depth == 1:
                match = re.match(r"^\s*(\w+)\s+([\*\[\]\w\.]+)\s+`.*json:\"([^\",]*)", line)
                if match:
                    struct[match.group(3)] = match.group(2)
                inline = re.match(r"^\s*(\w+)\s+`.*json:\",inline", line)
                if inline:
                    struct.setdefault("", []).append(inline.group(1))
    for struct in structs.values():
        for embedded in struct.pop("", []):
            for field, go_type in structs.get(embedded, {}).items():
                struct.setdefault(field, go_type)
    known = {name: (typ, value) for typ, name, value, _ in constants}
    for name, target, comment in aliases:
        if target in known:
            typ, value = known[target]
            constants.append((typ, name, value, comment))
    values = {}
    for typ, name, value, comment in constants:
        if typ in enum_types:
            entries = values.setdefault(typ, [])
            # kube-openapi keeps one case per value, the one with the longer comment.
            same = [i for i, existing in enumerate(entries) if existing[1] == value]
            if not same:
                entries.append((name, value, comment))
            elif len(entries[same[0]][2]) < len(comment):
                entries[same[0]] = (name, value, comment)
    return {"enums": {t: values.get(t, []) for t in enum_types}, "structs": structs, "imports": imports}


def enum_line(name, value, comment):
    """kube-openapi's enumValue.Description."""
    comment = comment.strip()
    if comment.startswith(name):
        comment = comment[len(name):]
    comment = re.sub(r"\s+", " ", comment.strip())
    return (" - `%s` %s" % (json.dumps(value), comment)).rstrip(" ")


def enum_for(definition, field, packages):
    for prefix, directory in PACKAGES.items():
        if not definition.startswith(prefix):
            continue
        package = packages[directory]
        go_type = package["structs"].get(definition[len(prefix):], {}).get(field)
        if go_type is None:
            return None
        go_type = go_type.lstrip("*")
        if go_type.startswith("["):
            return None
        if "." in go_type:
            qualifier, go_type = go_type.split(".", 1)
            package = packages.get(package["imports"].get(qualifier))
            if package is None:
                return None
        entries = package["enums"].get(go_type)
        if not entries:
            return None
        return sorted(entries, key=lambda entry: entry[1])
    return None


def convert(schema, place, definition=None, field=None, packages=None):
    """One v2 schema in its v3 form; `place` is 'property', 'items', 'map' or 'top'."""
    out = {}
    for key, value in schema.items():
        if key == "$ref":
            continue
        if key == "properties":
            out[key] = {name: convert(sub, "property", definition, name, packages) for name, sub in value.items()}
        elif key == "items":
            out[key] = convert(value, "items", packages=packages)
        elif key == "additionalProperties" and isinstance(value, dict):
            out[key] = convert(value, "map", packages=packages)
        elif key in ("default", "example"):
            continue
        else:
            out[key] = value
    if "$ref" in schema:
        ref = V3_PREFIX + schema["$ref"][len(V2_PREFIX):]
        if place in ("property", "items", "map") or len(out) > 0:
            out["allOf"] = [{"$ref": ref}]
        else:
            out["$ref"] = ref
    if place == "property" and out.get("type") == "string" and packages is not None:
        entries = enum_for(definition, field, packages)
        if entries:
            out["enum"] = [entry[1] for entry in entries]
            lines = ["Possible enum values:"] + [enum_line(*entry) for entry in entries]
            description = out.get("description", "")
            out["description"] = (description + "\n\n" if description else "") + "\n".join(lines)
    return out


def refs(schema):
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from refs(value)


def main():
    swagger_path, api_dir = sys.argv[1], sys.argv[2]
    out_path = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        os.path.dirname(__file__), "..", "crates", "kubectl", "src", "explain", "schemas.json.deflate")
    with open(swagger_path, "rb") as f:
        raw = f.read()
    definitions = json.loads(raw)["definitions"]
    packages = {directory: parse_package(os.path.join(api_dir, directory)) for directory in PACKAGES.values()}

    roots = []
    for group, version, kind in SERVED:
        gvk = {"group": group, "kind": kind, "version": version}
        found = [name for name, schema in definitions.items() if gvk in schema.get("x-kubernetes-group-version-kind", [])]
        if len(found) != 1:
            sys.exit("no single definition for %r: %r" % (gvk, found))
        roots.append(found[0])
    keep = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in keep:
            continue
        keep.add(name)
        pending.extend(ref[len(V2_PREFIX):] for ref in refs(definitions[name]))

    schemas = {}
    for name in sorted(keep):
        schema = convert(definitions[name], "top", name, packages=packages)
        if name in ONE_OF:
            schema.pop("type", None)
            schema["oneOf"] = ONE_OF[name]
        schemas[name] = schema
    data = json.dumps({"schemas": schemas}, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    compressed = zlib.compress(data, 9)[2:-4]  # raw deflate, as miniz_oxide inflates it
    with open(out_path, "wb") as f:
        f.write(compressed)
    print("swagger.json sha256 %s" % hashlib.sha256(raw).hexdigest())
    print("%d schemas, %d bytes of JSON, %d bytes deflated → %s" % (len(schemas), len(data), len(compressed), out_path))


if __name__ == "__main__":
    main()
