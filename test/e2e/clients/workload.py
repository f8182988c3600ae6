"""The e2e's Python application: a session from nothing but the files `npm run client-config`
wrote (cassandra_multicluster.py, imported from that directory, and client.json). It answers the
line protocol of test/e2e/harness/workload.ts.

Usage: workload.py <client.json> <route>
"""
import json
import sys
import threading
import time

from cassandra import ConsistencyLevel

import cassandra_multicluster

phases = {}
phase = "start"
loading = False
lock = threading.Lock()


def out(obj):
    print(json.dumps(obj), flush=True)


def record(at, took_ms, ok, coordinator=None, error=None):
    with lock:
        p = phases.setdefault(
            at, {"ok": 0, "failed": 0, "errors": [], "coordinators": {}, "slowestMs": 0}
        )
        p["slowestMs"] = max(p["slowestMs"], took_ms)
        if ok:
            p["ok"] += 1
            p["coordinators"][coordinator] = p["coordinators"].get(coordinator, 0) + 1
        else:
            p["failed"] += 1
            if len(p["errors"]) < 5:
                p["errors"].append(error)


def elapsed_ms(t0):
    return round((time.monotonic() - t0) * 1000)


def load(session, insert, worker):
    n = 0
    while loading:
        at = phase
        t0 = time.monotonic()
        try:
            future = session.execute_async(insert, ("%s-%d" % (worker, n), at))
            future.result()
            record(at, elapsed_ms(t0), True, str(future.coordinator_host.host_id))
        except Exception as e:  # every failure counts: the test expects none
            record(at, elapsed_ms(t0), False, error=repr(e))
        n += 1
        time.sleep(0.02)


def info(cluster, session):
    connected = {h.endpoint for h in session.get_pool_state().keys()}
    return {
        "nodes": [
            {
                "hostId": str(h.host_id),
                "datacenter": h.datacenter,
                "endpoint": str(h.endpoint),
                "up": bool(h.is_up),
                "connections": 1 if h.endpoint in connected and h.is_up else 0,
            }
            for h in cluster.metadata.all_hosts()
        ]
    }


def replicas(cluster, session, keyspace, count, dc):
    insert = session.prepare("INSERT INTO %s.kv (k, v) VALUES (?, ?)" % keyspace)
    on_replica = 0
    coordinators = {}
    for i in range(count):
        key = "key-%d" % i
        future = session.execute_async(insert, (key, "v"))
        future.result()
        host = future.coordinator_host
        local = [
            h for h in cluster.metadata.get_replicas(keyspace, key.encode()) if h.datacenter == dc
        ]
        if host in local:
            on_replica += 1
        coordinators[str(host.host_id)] = coordinators.get(str(host.host_id), 0) + 1
    return {"total": count, "onReplica": on_replica, "coordinators": coordinators}


def main():
    global phase, loading
    config_path, route = sys.argv[1], sys.argv[2]
    dc = cassandra_multicluster.load(config_path)["localDataCenter"]
    try:
        cluster, session = cassandra_multicluster.connect(config_path, route=route)
    except Exception as e:
        out({"error": repr(e)})
        sys.exit(3)
    out({"ready": True})
    workers = []
    for line in sys.stdin:
        c = line.split()
        if not c:
            continue
        if c[0] == "info":
            out(info(cluster, session))
        elif c[0] == "replicas":
            out(replicas(cluster, session, c[1], int(c[2]), dc))
        elif c[0] == "load":
            insert = session.prepare("INSERT INTO %s.kv (k, v) VALUES (?, ?)" % c[1])
            insert.is_idempotent = True
            insert.consistency_level = ConsistencyLevel.LOCAL_ONE
            loading = True
            prefix = c[2] if len(c) > 2 else "w"
            for i in range(3):
                t = threading.Thread(target=load, args=(session, insert, "%s%d" % (prefix, i)))
                t.start()
                workers.append(t)
            out({"loading": True})
        elif c[0] == "phase":
            phase = c[1]
            out({"phase": phase})
        elif c[0] == "status":
            with lock:
                out({"phases": phases})
        elif c[0] == "stop":
            loading = False
            for t in workers:
                t.join()
            with lock:
                out({"phases": phases})
            cluster.shutdown()
            return
        else:
            out({"error": "unknown command " + c[0]})


main()
