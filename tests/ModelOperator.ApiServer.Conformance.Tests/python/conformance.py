"""The in-memory API server judged by Debian's official Python client (python3-kubernetes).

Usage: /usr/bin/python3 conformance.py KUBECONFIG
Runs every check against a fresh namespace each, prints one line per check ("ok NAME" or "FAIL NAME: why") and exits 1
when any failed. The client sends what it is given (quantities as written), so canonicalization is the server's.
"""
import copy
import sys
import traceback
import uuid

from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

CHECKS = []


def check(fn):
    CHECKS.append(fn)
    return fn


def expect(actual, expected, what):
    if actual != expected:
        raise AssertionError(f"{what}: expected {expected!r}, got {actual!r}")


def deployment(name, cpu="0.5", memory="1024Mi"):
    labels = {"app": name}
    return {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "annotations": {}},
        "spec": {"selector": {"matchLabels": labels}, "template": {"metadata": {"labels": labels}, "spec": {
            "containers": [{"name": "c", "image": "nginx", "env": [], "ports": [{"name": "http", "containerPort": 80}],
                            "resources": {"requests": {"cpu": cpu, "memory": memory}, "limits": {"cpu": "1000m"}},
                            "livenessProbe": {"httpGet": {"port": "http"}}}]}}}}


def status_of(e):
    import json
    return json.loads(e.body)


@check
def quantities_are_canonical_and_pod_templates_defaulted(ns):
    apps = client.AppsV1Api()
    apps.create_namespaced_deployment(ns, deployment("web"))
    d = apps.read_namespaced_deployment("web", ns)
    c = d.spec.template.spec.containers[0]
    expect(c.resources.requests, {"cpu": "500m", "memory": "1Gi"}, "requests")
    expect(c.resources.limits, {"cpu": "1"}, "limits")
    expect(c.image_pull_policy, "Always", "imagePullPolicy of an untagged image")
    expect((c.termination_message_path, c.termination_message_policy), ("/dev/termination-log", "File"), "termination message")
    expect(c.ports[0].protocol, "TCP", "port protocol")
    p = c.liveness_probe
    expect((p.timeout_seconds, p.period_seconds, p.success_threshold, p.failure_threshold, p.http_get.scheme, p.http_get.path),
           (1, 10, 1, 3, "HTTP", "/"), "probe defaults")
    s = d.spec.template.spec
    expect((s.restart_policy, s.dns_policy, s.termination_grace_period_seconds, s.scheduler_name),
           ("Always", "ClusterFirst", 30, "default-scheduler"), "pod spec defaults")
    expect(s.security_context is not None, True, "securityContext {}")
    expect((d.spec.replicas, d.spec.revision_history_limit, d.spec.progress_deadline_seconds, d.spec.strategy.type),
           (1, 10, 600, "RollingUpdate"), "deployment defaults")
    expect(c.env, None, "empty env dropped")
    expect(d.metadata.annotations, None, "empty annotations dropped")


@check
def not_a_quantity_is_400(ns):
    try:
        client.AppsV1Api().create_namespaced_deployment(ns, deployment("bad", memory="lots"))
        raise AssertionError("created")
    except ApiException as e:
        expect(e.status, 400, "status")
        expect("quantities must match the regular expression" in status_of(e)["message"], True, "message")


@check
def services_get_allocations_and_defaults(ns):
    core = client.CoreV1Api()
    svc = core.create_namespaced_service(ns, {"metadata": {"name": "web"}, "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]}})
    s = svc.spec
    expect((s.type, s.session_affinity, s.internal_traffic_policy, s.ip_family_policy, s.ip_families),
           ("ClusterIP", "None", "Cluster", "SingleStack", ["IPv4"]), "service defaults")
    expect(s.cluster_i_ps, [s.cluster_ip], "clusterIPs")
    expect((s.ports[0].protocol, s.ports[0].target_port), ("TCP", 80), "port defaults")
    try:
        core.patch_namespaced_service("web", ns, {"spec": {"clusterIP": "10.99.99.99"}})
        raise AssertionError("clusterIP changed")
    except ApiException as e:
        expect(e.status, 422, "status")
        expect(status_of(e)["details"]["causes"][0]["field"], "spec.clusterIPs[0]", "cause field")


@check
def validation_answers_422_with_causes(ns):
    core = client.CoreV1Api()
    try:
        core.create_namespaced_service(ns, {"metadata": {"name": "web"}, "spec": {"ports": [{"name": "a", "port": 80}, {"name": "a", "port": 81}]}})
        raise AssertionError("created")
    except ApiException as e:
        st = status_of(e)
        expect((e.status, st["reason"], st["details"]["causes"][0]["reason"], st["details"]["causes"][0]["field"]),
               (422, "Invalid", "FieldValueDuplicate", "spec.ports[1].name"), "duplicate port name")
        expect(st["message"].startswith('Service "web" is invalid: spec.ports[1].name: Duplicate value: "a"'), True, st["message"])
    apps = client.AppsV1Api()
    apps.create_namespaced_deployment(ns, deployment("web"))
    try:
        apps.patch_namespaced_deployment("web", ns, {"spec": {"selector": {"matchLabels": {"app": "web", "x": "y"}}, "template": {"metadata": {"labels": {"app": "web", "x": "y"}}}}})
        raise AssertionError("selector changed")
    except ApiException as e:
        expect((e.status, status_of(e)["details"]["causes"][0]["field"]), (422, "spec.selector"), "immutable selector")


@check
def delete_answers_status_or_object(ns):
    core = client.CoreV1Api()
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "c"}})
    st = core.delete_namespaced_config_map("c", ns)
    expect((st.status, st.details.name, st.details.kind, st.details.uid), ("Success", "c", "configmaps", cm.metadata.uid), "Status")
    core.create_namespaced_pod(ns, {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}})
    pod = core.delete_namespaced_pod("p", ns)
    expect((pod.kind, pod.metadata.name), ("Pod", "p"), "deleted pod")
    core.create_namespaced_config_map(ns, {"metadata": {"name": "held", "finalizers": ["example.com/hold"]}})
    held = core.delete_namespaced_config_map("held", ns)
    expect(held.status, None, "not a Success Status while a finalizer holds it")
    expect(core.read_namespaced_config_map("held", ns).metadata.deletion_timestamp is not None, True, "deletionTimestamp")
    core.patch_namespaced_config_map("held", ns, {"metadata": {"finalizers": None}})
    try:
        core.read_namespaced_config_map("held", ns)
        raise AssertionError("still there after its last finalizer")
    except ApiException as e:
        expect(e.status, 404, "gone")


@check
def conflicts_are_409(ns):
    core = client.CoreV1Api()
    cm = core.create_namespaced_config_map(ns, {"metadata": {"name": "c"}, "data": {"k": "1"}})
    cm.data = {"k": "2"}
    core.replace_namespaced_config_map("c", ns, cm)
    try:
        core.replace_namespaced_config_map("c", ns, cm)
        raise AssertionError("stale write accepted")
    except ApiException as e:
        expect((e.status, status_of(e)["reason"]), (409, "Conflict"), "stale update")


@check
def pagination_is_a_snapshot(ns):
    core = client.CoreV1Api()
    for name in ["a", "b", "c"]:
        core.create_namespaced_config_map(ns, {"metadata": {"name": name}})
    first = core.list_namespaced_config_map(ns, limit=2)
    expect(first.metadata.remaining_item_count, 1, "remainingItemCount")
    core.create_namespaced_config_map(ns, {"metadata": {"name": "d"}})
    core.delete_namespaced_config_map("c", ns)
    second = core.list_namespaced_config_map(ns, limit=2, _continue=first.metadata._continue)
    expect([i.metadata.name for i in second.items], ["c"], "second page")
    expect(second.metadata.resource_version, first.metadata.resource_version, "resourceVersion of the snapshot")


@check
def watch_streams_events_and_expires(ns):
    core = client.CoreV1Api()
    rv = core.list_namespaced_config_map(ns).metadata.resource_version
    core.create_namespaced_config_map(ns, {"metadata": {"name": "w"}})
    core.patch_namespaced_config_map("w", ns, {"data": {"k": "v"}})
    core.delete_namespaced_config_map("w", ns)
    seen = []
    w = watch.Watch()
    for event in w.stream(core.list_namespaced_config_map, ns, resource_version=rv, timeout_seconds=5, allow_watch_bookmarks=True):
        if event["type"] != "BOOKMARK":
            seen.append((event["type"], event["object"].metadata.name))
        if event["type"] == "DELETED":
            w.stop()
    expect(seen, [("ADDED", "w"), ("MODIFIED", "w"), ("DELETED", "w")], "events")
    for i in range(25):  # more writes than the server's event history holds (the test starts it with 20)
        core.create_namespaced_config_map(ns, {"metadata": {"name": f"filler-{i}"}})
    try:
        for event in watch.Watch().stream(core.list_namespaced_config_map, ns, resource_version=rv, timeout_seconds=5):
            if event["type"] == "ERROR":
                expect(event["raw_object"]["code"], 410, "ERROR event code")
                return
        raise AssertionError("no 410 for a compacted resourceVersion")
    except ApiException as e:
        expect(e.status, 410, "expired watch")


@check
def scale_status_and_leases(ns):
    apps = client.AppsV1Api()
    apps.create_namespaced_deployment(ns, deployment("web"))
    scale = apps.patch_namespaced_deployment_scale("web", ns, {"spec": {"replicas": 3}})
    expect(scale.spec.replicas, 3, "scale")
    expect(apps.read_namespaced_deployment_scale("web", ns).status.selector, "app=web", "scale selector")
    d = apps.patch_namespaced_deployment_status("web", ns, {"status": {"readyReplicas": 2}, "spec": {"replicas": 9}})
    expect((d.spec.replicas, d.status.ready_replicas), (3, 2), "status subresource")
    coord = client.CoordinationV1Api()
    lease = coord.create_namespaced_lease(ns, {"metadata": {"name": "leader"}, "spec": {"holderIdentity": "a", "leaseDurationSeconds": 15}})
    lease.spec.holder_identity = "b"
    expect(coord.replace_namespaced_lease("leader", ns, lease).spec.holder_identity, "b", "lease takeover")


@check
def hpa_defaults_and_garbage_collection(ns):
    api = client.ApiClient()
    body = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 3,
                     "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}}}
    created = api.call_api(f"/apis/autoscaling/v2/namespaces/{ns}/horizontalpodautoscalers", "POST", body=body,
                           response_type="object", auth_settings=["BearerToken"], _return_http_data_only=True,
                           header_params={"Content-Type": "application/json", "Accept": "application/json"})
    spec = created["spec"]
    expect((spec["minReplicas"], spec["metrics"][0]["resource"]["name"], spec["behavior"]["scaleUp"]["selectPolicy"]),
           (1, "cpu", "Max"), "hpa defaults")
    core = client.CoreV1Api()
    owner = core.create_namespaced_config_map(ns, {"metadata": {"name": "owner"}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "child", "ownerReferences": [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": "owner", "uid": owner.metadata.uid}]}})
    core.create_namespaced_config_map(ns, {"metadata": {"name": "orphan", "ownerReferences": [
        {"apiVersion": "v1", "kind": "ConfigMap", "name": "ghost", "uid": str(uuid.uuid4())}]}})
    core.delete_namespaced_config_map("owner", ns)
    names = [i.metadata.name for i in core.list_namespaced_config_map(ns).items]
    expect(names, [], "dependents of a deleted or absent owner collected")


@check
def crd_validation_rules_answer_422(ns):
    crd = {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": {"name": "meters.example.com"},
           "spec": {"group": "example.com", "scope": "Namespaced", "names": {"plural": "meters", "kind": "Meter"},
                    "versions": [{"name": "v1", "served": True, "storage": True, "schema": {"openAPIV3Schema": {
                        "type": "object", "properties": {"spec": {
                            "type": "object",
                            "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}, "unit": {"type": "string"}},
                            "x-kubernetes-validations": [
                                {"rule": "!has(self.min) || self.min <= self.max", "message": "min must not exceed max", "fieldPath": ".min"},
                                {"rule": "self.unit == oldSelf.unit", "message": "unit is immutable", "reason": "FieldValueForbidden"}]}}}}}]}}
    ext = client.ApiextensionsV1Api()
    broken = copy.deepcopy(crd)
    broken["spec"]["versions"][0]["schema"]["openAPIV3Schema"]["properties"]["spec"]["x-kubernetes-validations"][0]["rule"] = "self.min <="
    try:
        ext.create_custom_resource_definition(broken)
        raise AssertionError("a CRD with an uncompilable rule was created")
    except ApiException as e:
        expect(e.status, 422, "uncompilable CRD status")
        expect(status_of(e)["details"]["causes"][0]["field"],
               "spec.versions[0].schema.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule", "uncompilable rule's path")
    ext.create_custom_resource_definition(crd)
    objects = client.CustomObjectsApi()

    def meter(spec):
        return {"apiVersion": "example.com/v1", "kind": "Meter", "metadata": {"name": "m"}, "spec": spec}

    try:
        objects.create_namespaced_custom_object("example.com", "v1", ns, "meters", meter({"unit": "m", "min": 5, "max": 2}))
        raise AssertionError("an object breaking a rule was created")
    except ApiException as e:
        expect(e.status, 422, "status")
        s = status_of(e)
        expect(s["message"], 'Meter.example.com "m" is invalid: spec.min: Invalid value: "object": min must not exceed max', "message")
        expect([(c["field"], c["reason"]) for c in s["details"]["causes"]], [("spec.min", "FieldValueInvalid")], "causes")
    objects.create_namespaced_custom_object("example.com", "v1", ns, "meters", meter({"unit": "m", "max": 2}))
    try:
        objects.patch_namespaced_custom_object("example.com", "v1", ns, "meters", "m", {"spec": {"unit": "s"}})
        raise AssertionError("a transition rule let the unit change")
    except ApiException as e:
        expect(e.status, 422, "transition status")
        expect(status_of(e)["details"]["causes"], [{"reason": "FieldValueForbidden", "message": "Forbidden: unit is immutable", "field": "spec"}], "transition cause")
    patched = objects.patch_namespaced_custom_object("example.com", "v1", ns, "meters", "m", {"spec": {"max": 3}})
    expect(patched["spec"]["max"], 3, "an update keeping the unit")


@check
def non_apply_writes_record_update_managed_fields(ns):
    core = client.CoreV1Api()
    created = core.create_namespaced_config_map(ns, {"metadata": {"name": "c"}, "data": {"k": "1", "l": "2"}})
    entry = created.metadata.managed_fields[0]
    expect((entry.manager, entry.operation, entry.api_version, entry.fields_type), ("OpenAPI-Generator", "Update", "v1", "FieldsV1"),
           "creator's entry (manager from the User-Agent)")
    expect(entry.fields_v1, {"f:data": {"f:k": {}, "f:l": {}}}, "creator's fields")
    patched = core.patch_namespaced_config_map("c", ns, {"data": {"k": "9"}}, field_manager="editor")
    owners = {m.manager: m.fields_v1 for m in patched.metadata.managed_fields}
    expect(owners, {"OpenAPI-Generator": {"f:data": {"f:l": {}}}, "editor": {"f:data": {"f:k": {}}}}, "fields taken over by the patch")


@check
def events_k8s_io_v1_serves_core_events_under_its_own_field_names(ns):
    events = client.EventsV1Api()
    regarding = {"apiVersion": "v1", "kind": "Pod", "name": "web-0", "namespace": ns}
    created = events.create_namespaced_event(ns, {
        "metadata": {"name": "web-0.scaled"}, "eventTime": "2026-12-04T12:00:00.000000Z",
        "reportingController": "modeloperator.io/operator", "reportingInstance": "operator-0", "action": "Scale",
        "reason": "ScaledUp", "regarding": regarding, "note": "scaled to 3", "type": "Normal"})
    expect((created.note, created.reporting_controller, created.regarding.kind), ("scaled to 3", "modeloperator.io/operator", "Pod"),
           "the created event under events.k8s.io names")
    patched = events.patch_namespaced_event("web-0.scaled", ns, {"series": {"count": 2, "lastObservedTime": "2026-12-04T12:01:00.000000Z"}})
    expect(patched.series.count, 2, "the series after a merge patch")
    core = client.CoreV1Api().read_namespaced_event("web-0.scaled", ns)
    expect((core.message, core.reporting_component, core.involved_object.name, core.series.count),
           ("scaled to 3", "modeloperator.io/operator", "web-0", 2), "the same event under core/v1 names")
    try:
        events.create_namespaced_event(ns, {"metadata": {"name": "bad"}, "regarding": regarding, "note": "no time", "type": "Normal"})
        raise AssertionError("an event without eventTime and reportingController was accepted")
    except ApiException as e:
        expect(e.status, 422, "an invalid event")
        fields = [c["field"] for c in status_of(e)["details"]["causes"]]
        expect(fields[:2], ["eventTime", "reportingController"], "the first causes of an invalid event")


def main():
    config.load_kube_config(config_file=sys.argv[1])
    core = client.CoreV1Api()
    failed = 0
    for fn in CHECKS:
        ns = "py-" + fn.__name__.replace("_", "-")[:40].rstrip("-")
        try:
            core.create_namespace({"metadata": {"name": ns}})
            fn(ns)
            print(f"ok {fn.__name__}", flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported, then the next check runs
            failed += 1
            detail = traceback.format_exc().strip().splitlines()[-3:]
            print(f"FAIL {fn.__name__}: {e} | {' / '.join(detail)}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
