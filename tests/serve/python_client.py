#!/usr/bin/env python3
"""The official Kubernetes Python client against `kubeplay serve --clock manual`: list,
create, watch, patch (strategic, merge, JSON), replace with a stale resourceVersion (409),
delete with propagation, a watch that survives a resourceVersion expiry (410 Gone,
then relist and watch again) — the pattern every controller written with a client follows —
a selector watch as pods enter and leave it, and a followed log.

Usage: python_client.py PATH/TO/kubeplay
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

failures = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def start_server(binary, workdir):
    kubeconfig = os.path.join(workdir, "kubeconfig")
    process = subprocess.Popen(
        [binary, "serve", "--clock", "manual", "--listen", "127.0.0.1:0",
         "--kubeconfig", kubeconfig, "--watch-cache-size", "100"],
        stdout=subprocess.PIPE, text=True)
    first = process.stdout.readline()
    address = first.strip().rsplit("http://", 1)[-1]
    threading.Thread(target=lambda: process.stdout.read(), daemon=True).start()
    return process, "http://" + address, kubeconfig


def advance(url, seconds):
    request = urllib.request.Request(f"{url}/kubeplay/v1/advance?seconds={seconds}", method="POST")
    with urllib.request.urlopen(request) as response:
        return json.load(response)["now"]


def deployment(name, replicas):
    labels = {"app": name}
    return client.V1Deployment(
        metadata=client.V1ObjectMeta(name=name),
        spec=client.V1DeploymentSpec(
            replicas=replicas,
            selector=client.V1LabelSelector(match_labels=labels),
            template=client.V1PodTemplateSpec(
                metadata=client.V1ObjectMeta(labels=labels),
                spec=client.V1PodSpec(containers=[client.V1Container(name="web", image="nginx:1.27")]))))


def main():
    binary = sys.argv[1]
    workdir = tempfile.mkdtemp(prefix="kubeplay-python-")
    process, url, kubeconfig = start_server(binary, workdir)
    try:
        config.load_kube_config(config_file=kubeconfig)
        core = client.CoreV1Api()
        apps = client.AppsV1Api()

        namespaces = [ns.metadata.name for ns in core.list_namespace().items]
        check("kube-system" in namespaces, f"list namespaces: {namespaces}")
        system_pods = core.list_namespaced_pod("kube-system").items
        check(len(system_pods) == 8, f"list kube-system pods: {len(system_pods)}")

        # A watch from the list's resourceVersion sees the pods the Deployment makes.
        start = core.list_namespaced_pod("default").metadata.resource_version
        seen = []

        def watch_pods():
            for event in watch.Watch().stream(core.list_namespaced_pod, "default",
                                              label_selector="app=web",
                                              resource_version=start, timeout_seconds=5):
                seen.append((event["type"], event["object"].metadata.name,
                             event["object"].status.phase))

        watcher = threading.Thread(target=watch_pods)
        watcher.start()
        apps.create_namespaced_deployment("default", deployment("web", 2))
        advance(url, 30)
        watcher.join()
        added = {name for kind, name, _ in seen if kind == "ADDED"}
        running = {name for kind, name, phase in seen if kind == "MODIFIED" and phase == "Running"}
        check(len(added) == 2 and running == added, f"watch saw 2 pods added and running: {seen[:3]}…")

        try:
            apps.create_namespaced_deployment("default", deployment("web", 1))
            check(False, "creating it twice fails")
        except ApiException as error:
            check(error.status == 409 and json.loads(error.body)["reason"] == "AlreadyExists",
                  f"creating it twice: {error.status} {json.loads(error.body)['message']}")

        # Strategic merge patch (the client's default for a dict), then JSON Patch.
        apps.patch_namespaced_deployment("web", "default", {"spec": {"replicas": 3}})
        apps.patch_namespaced_deployment(
            "web", "default", [{"op": "add", "path": "/metadata/labels", "value": {"tier": "front"}}])
        advance(url, 30)
        web = apps.read_namespaced_deployment("web", "default")
        check(web.spec.replicas == 3 and web.status.ready_replicas == 3,
              f"patched to 3 replicas, {web.status.ready_replicas} ready")
        check(web.metadata.labels == {"tier": "front"}, f"JSON patch added labels {web.metadata.labels}")

        # Optimistic concurrency: a replace from a stale copy is refused.
        stale = core.create_namespaced_config_map(
            "default", client.V1ConfigMap(metadata=client.V1ObjectMeta(name="settings"), data={"a": "1"}))
        core.patch_namespaced_config_map("settings", "default", {"data": {"a": "2"}})
        stale.data = {"a": "3"}
        try:
            core.replace_namespaced_config_map("settings", "default", stale)
            check(False, "replace from a stale resourceVersion fails")
        except ApiException as error:
            body = json.loads(error.body)
            check(error.status == 409 and body["message"] ==
                  'Operation cannot be fulfilled on configmaps "settings": the object has been modified; '
                  'please apply your changes to the latest version and try again',
                  f"stale replace: {error.status} {body['message']}")
        check(core.read_namespaced_config_map("settings", "default").data == {"a": "2"},
              "the stale replace changed nothing")

        # A watch from a version the server no longer keeps: 410, then relist and rewatch.
        for i in range(150):
            core.patch_namespaced_config_map("settings", "default", {"data": {"n": str(i)}})
        try:
            for _ in watch.Watch().stream(core.list_namespaced_config_map, "default",
                                          resource_version=start, timeout_seconds=2):
                pass
            check(False, "a watch from an expired resourceVersion fails")
        except ApiException as error:
            check(error.status == 410, f"expired watch: {error.status} {error.reason}")
        listed = core.list_namespaced_config_map("default")
        resumed = []

        def rewatch():
            try:
                for event in watch.Watch().stream(core.list_namespaced_config_map, "default",
                                                  resource_version=listed.metadata.resource_version,
                                                  timeout_seconds=3):
                    resumed.append((event["type"], (event["object"].data or {}).get("n")))
            except ApiException as error:
                resumed.append(("exception", error.status))

        watcher = threading.Thread(target=rewatch)
        watcher.start()
        core.patch_namespaced_config_map("settings", "default", {"data": {"n": "after"}})
        watcher.join()
        check(resumed == [("MODIFIED", "after")], f"the relisted watch goes on: {resumed}")

        # A selector watch: a pod relabelled out of it is DELETED, back into it ADDED.
        pod = core.list_namespaced_pod("default", label_selector="app=web").items[0].metadata.name
        relabels = []
        # Listed before the patches: a watch from here sees all three, however the thread runs.
        since = core.list_namespaced_pod("default").metadata.resource_version

        def watch_selected():
            for event in watch.Watch().stream(core.list_namespaced_pod, "default",
                                              label_selector="app=web,tier=front",
                                              resource_version=since,
                                              timeout_seconds=2):
                relabels.append((event["type"], event["object"].metadata.labels.get("tier")))

        watcher = threading.Thread(target=watch_selected)
        watcher.start()
        for tier in ["front", "back", "front"]:
            core.patch_namespaced_pod(pod, "default", {"metadata": {"labels": {"tier": tier}}})
        watcher.join()
        check(relabels == [("ADDED", "front"), ("DELETED", "front"), ("ADDED", "front")],
              f"a pod entering and leaving a selector: {relabels}")

        # A followed log streams as virtual time passes and ends with the container.
        core.create_namespaced_pod("default", client.V1Pod(
            metadata=client.V1ObjectMeta(name="counter"),
            spec=client.V1PodSpec(restart_policy="Never", containers=[client.V1Container(
                name="c", image="busybox",
                command=["sh", "-c", "for i in 1 2 3; do echo line $i; sleep 10; done"])])))
        advance(url, 5)
        stream = core.read_namespaced_pod_log("counter", "default", follow=True,
                                              _preload_content=False)
        followed = []

        def read_log():
            for line in stream.stream():
                followed.append(line.decode())

        reader = threading.Thread(target=read_log)
        reader.start()
        advance(url, 30)
        reader.join(timeout=10)
        check(not reader.is_alive() and "".join(followed) == "line 1\nline 2\nline 3\n",
              f"a followed log: {''.join(followed)!r}, ended: {not reader.is_alive()}")

        # Delete in the foreground: the Deployment goes once its pods are gone.
        apps.delete_namespaced_deployment("web", "default", propagation_policy="Foreground")
        advance(url, 60)
        left = core.list_namespaced_pod("default", label_selector="app=web").items
        check(left == [], f"pods after foreground delete: {[p.metadata.name for p in left]}")
        try:
            apps.read_namespaced_deployment("web", "default")
            check(False, "the deployment is gone")
        except ApiException as error:
            check(error.status == 404, f"read after delete: {error.status}")
    finally:
        process.terminate()
        process.wait()
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print("python client: all checks passed")


if __name__ == "__main__":
    main()
