import socket, subprocess, time, json, os, sys, tempfile, shutil

OUT = sys.argv[1]
TSV = sys.argv[2]
os.makedirs(OUT, exist_ok=True)

s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
sd = tempfile.mkdtemp()
srv = subprocess.Popen(["/usr/sbin/nats-server", "-js", "-a", "127.0.0.1", "-p", str(port), "-sd", sd],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    for _ in range(100):
        try:
            c = socket.create_connection(("127.0.0.1", port)); break
        except OSError:
            time.sleep(0.05)
    f = c.makefile("rb")
    f.readline()  # INFO
    c.sendall(b'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1}\r\nPING\r\n')
    assert f.readline().startswith(b"PONG")
    c.sendall(b"SUB _INBOX.rec.* 1\r\n")
    n = [0]

    def read_msg():
        while True:
            line = f.readline()
            if line.startswith(b"PING"):
                c.sendall(b"PONG\r\n"); continue
            if line.startswith(b"MSG"):
                parts = line.split()
                size = int(parts[-1])
                data = f.read(size + 2)[:-2]
                return None, data
            if line.startswith(b"HMSG"):
                parts = line.split()
                hsize, tsize = int(parts[-2]), int(parts[-1])
                data = f.read(tsize + 2)[:-2]
                return data[:hsize], data[hsize:]
            raise Exception("unexpected " + repr(line))

    def req(subject, body=b""):
        n[0] += 1
        reply = "_INBOX.rec.%d" % n[0]
        c.sendall(b"PUB %s %s %d\r\n%s\r\n" % (subject.encode(), reply.encode(), len(body), body))
        return read_msg()

    rows = []
    def record(name, subject, body):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        hdr, data = req(subject, body.encode())
        if name:
            with open(os.path.join(OUT, name + ".json"), "wb") as out:
                out.write(data)
            rows.append("%s\t%s\t\t%s" % (name, subject, body))
        return data

    # Setup.
    record(None, "$JS.API.STREAM.CREATE.ORDERS", {"name": "ORDERS", "subjects": ["orders.>"]})
    record(None, "$JS.API.STREAM.CREATE.JOBS", {"name": "JOBS", "subjects": ["jobs.>"], "retention": "workqueue"})
    record(None, "$JS.API.STREAM.CREATE.LIMITED", {"name": "LIMITED", "subjects": ["limited.>"], "consumer_limits": {"max_ack_pending": 50}})
    for i in range(3):
        req("orders.eu.%d" % i, b"hello")

    record("consumer_create_pull_durable", "$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.PULL",
           {"stream_name": "ORDERS", "config": {"durable_name": "PULL", "ack_policy": "explicit"}})
    record("consumer_create_push_ephemeral", "$JS.API.CONSUMER.CREATE.ORDERS",
           {"stream_name": "ORDERS", "config": {"deliver_subject": "deliver.eph", "ack_policy": "none"}})
    record("consumer_create_named_filtered", "$JS.API.CONSUMER.CREATE.ORDERS.NAMED.orders.eu.>",
           {"stream_name": "ORDERS", "config": {"name": "NAMED", "durable_name": "NAMED", "filter_subject": "orders.eu.>", "ack_policy": "all", "deliver_policy": "last"}})
    record("consumer_create_pull_full", "$JS.API.CONSUMER.CREATE.ORDERS.FULL",
           {"stream_name": "ORDERS", "config": {"durable_name": "FULL", "description": "every pull field 2.9 knows",
            "deliver_policy": "by_start_sequence", "opt_start_seq": 2, "ack_policy": "explicit", "ack_wait": 10000000000,
            "max_deliver": 5, "backoff": [1000000000, 2000000000], "filter_subject": "orders.us.*", "replay_policy": "original",
            "sample_freq": "50%", "max_waiting": 10, "max_ack_pending": 20, "headers_only": True, "max_batch": 100,
            "max_expires": 60000000000, "max_bytes": 1048576, "inactive_threshold": 3600000000000, "num_replicas": 1,
            "mem_storage": True}})
    record("consumer_create_push_full", "$JS.API.CONSUMER.CREATE.ORDERS.PUSHFULL",
           {"stream_name": "ORDERS", "config": {"durable_name": "PUSHFULL", "deliver_subject": "deliver.full", "deliver_group": "workers",
            "deliver_policy": "by_start_time", "opt_start_time": "2024-01-02T03:04:05.123456789Z", "ack_policy": "explicit",
            "flow_control": True, "idle_heartbeat": 5000000000, "rate_limit_bps": 1000000, "max_ack_pending": 100}})
    record("consumer_create_last_per_subject", "$JS.API.CONSUMER.CREATE.ORDERS.LPS",
           {"stream_name": "ORDERS", "config": {"name": "LPS", "deliver_policy": "last_per_subject", "filter_subject": "orders.>"}})
    record("consumer_create_limited", "$JS.API.CONSUMER.CREATE.LIMITED.LIM",
           {"stream_name": "LIMITED", "config": {"durable_name": "LIM", "ack_policy": "explicit"}})
    record("consumer_create_workqueue", "$JS.API.CONSUMER.CREATE.JOBS.WORKER",
           {"stream_name": "JOBS", "config": {"durable_name": "WORKER", "ack_policy": "explicit"}})
    record("consumer_create_same_again", "$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.PULL",
           {"stream_name": "ORDERS", "config": {"durable_name": "PULL", "ack_policy": "explicit"}})
    record("consumer_update", "$JS.API.CONSUMER.CREATE.ORDERS.PULL",
           {"stream_name": "ORDERS", "config": {"durable_name": "PULL", "ack_policy": "explicit", "description": "updated", "max_deliver": 10, "ack_wait": 5000000000}})

    # A pull, an ack, so that info has sequences and times.
    hdr, msg = req("$JS.API.CONSUMER.MSG.NEXT.ORDERS.PULL", b"")
    # The reply subject of the message is in the MSG line; re-fetch via raw: simpler to ack with +ACK using info later.
    record("consumer_info", "$JS.API.CONSUMER.INFO.ORDERS.FULL", "")
    record("consumer_names", "$JS.API.CONSUMER.NAMES.ORDERS", "")
    record("consumer_names_offset", "$JS.API.CONSUMER.NAMES.ORDERS", {"offset": 2})
    record("consumer_list", "$JS.API.CONSUMER.LIST.ORDERS", "")
    record("consumer_delete", "$JS.API.CONSUMER.DELETE.ORDERS.LPS", "")

    errors = [
        ("error_consumer_not_found", "$JS.API.CONSUMER.INFO.ORDERS.NOPE", ""),
        ("error_consumer_names_stream_not_found", "$JS.API.CONSUMER.NAMES.NOPE", ""),
        ("error_consumer_list_stream_not_found", "$JS.API.CONSUMER.LIST.NOPE", ""),
        ("error_consumer_delete_not_found", "$JS.API.CONSUMER.DELETE.ORDERS.NOPE", ""),
        ("error_consumer_stream_not_found", "$JS.API.CONSUMER.CREATE.NOPE.X", {"stream_name": "NOPE", "config": {"durable_name": "X"}}),
        ("error_consumer_stream_mismatch", "$JS.API.CONSUMER.CREATE.ORDERS.X", {"stream_name": "OTHER", "config": {"durable_name": "X"}}),
        ("error_consumer_durable_mismatch", "$JS.API.CONSUMER.CREATE.ORDERS.X", {"stream_name": "ORDERS", "config": {"durable_name": "Y"}}),
        ("error_consumer_durable_not_set", "$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.X", {"stream_name": "ORDERS", "config": {}}),
        ("error_consumer_ephemeral_with_durable", "$JS.API.CONSUMER.CREATE.ORDERS", {"stream_name": "ORDERS", "config": {"durable_name": "X", "deliver_subject": "d.x"}}),
        ("error_consumer_filter_mismatch", "$JS.API.CONSUMER.CREATE.ORDERS.X.orders.eu", {"stream_name": "ORDERS", "config": {"filter_subject": "orders.us"}}),
        ("error_consumer_path_separator", "$JS.API.CONSUMER.CREATE.ORDERS.A/B", {"stream_name": "ORDERS", "config": {}}),
        ("error_consumer_replicas", "$JS.API.CONSUMER.CREATE.ORDERS.R3", {"stream_name": "ORDERS", "config": {"durable_name": "R3", "num_replicas": 3}}),
        ("error_consumer_replicas_negative", "$JS.API.CONSUMER.CREATE.ORDERS.RN", {"stream_name": "ORDERS", "config": {"durable_name": "RN", "num_replicas": -1}}),
        ("error_consumer_deliver_cycle", "$JS.API.CONSUMER.CREATE.ORDERS.CY", {"stream_name": "ORDERS", "config": {"durable_name": "CY", "deliver_subject": "orders.loop"}}),
        ("error_consumer_deliver_wildcard", "$JS.API.CONSUMER.CREATE.ORDERS.WC", {"stream_name": "ORDERS", "config": {"durable_name": "WC", "deliver_subject": "d.*"}}),
        ("error_consumer_push_max_waiting", "$JS.API.CONSUMER.CREATE.ORDERS.MW", {"stream_name": "ORDERS", "config": {"durable_name": "MW", "deliver_subject": "d.mw", "max_waiting": 5}}),
        ("error_consumer_max_ack_pending_no_ack", "$JS.API.CONSUMER.CREATE.ORDERS.MA", {"stream_name": "ORDERS", "config": {"durable_name": "MA", "deliver_subject": "d.ma", "max_ack_pending": 5}}),
        ("error_consumer_small_heartbeat", "$JS.API.CONSUMER.CREATE.ORDERS.HB", {"stream_name": "ORDERS", "config": {"durable_name": "HB", "deliver_subject": "d.hb", "idle_heartbeat": 1000}}),
        ("error_consumer_fc_needs_heartbeat", "$JS.API.CONSUMER.CREATE.ORDERS.FC", {"stream_name": "ORDERS", "config": {"durable_name": "FC", "deliver_subject": "d.fc", "flow_control": True}}),
        ("error_consumer_pull_heartbeat", "$JS.API.CONSUMER.CREATE.ORDERS.PH", {"stream_name": "ORDERS", "config": {"durable_name": "PH", "idle_heartbeat": 1000000000}}),
        ("error_consumer_pull_flow_control", "$JS.API.CONSUMER.CREATE.ORDERS.PF", {"stream_name": "ORDERS", "config": {"durable_name": "PF", "flow_control": True}}),
        ("error_consumer_pull_rate_limit", "$JS.API.CONSUMER.CREATE.ORDERS.PR", {"stream_name": "ORDERS", "config": {"durable_name": "PR", "rate_limit_bps": 100}}),
        ("error_consumer_pull_max_waiting_negative", "$JS.API.CONSUMER.CREATE.ORDERS.PW", {"stream_name": "ORDERS", "config": {"durable_name": "PW", "max_waiting": -1}}),
        ("error_consumer_max_batch_negative", "$JS.API.CONSUMER.CREATE.ORDERS.MB", {"stream_name": "ORDERS", "config": {"durable_name": "MB", "max_batch": -1}}),
        ("error_consumer_max_expires_small", "$JS.API.CONSUMER.CREATE.ORDERS.ME", {"stream_name": "ORDERS", "config": {"durable_name": "ME", "max_expires": 1000}}),
        ("error_consumer_wq_pull_ack_none", "$JS.API.CONSUMER.CREATE.JOBS.W2", {"stream_name": "JOBS", "config": {"durable_name": "W2", "ack_policy": "none"}}),
        ("error_consumer_wq_ack_all", "$JS.API.CONSUMER.CREATE.JOBS.W3", {"stream_name": "JOBS", "config": {"durable_name": "W3", "ack_policy": "all", "filter_subject": "jobs.a"}}),
        ("error_consumer_wq_deliver_last", "$JS.API.CONSUMER.CREATE.JOBS.W4", {"stream_name": "JOBS", "config": {"durable_name": "W4", "ack_policy": "explicit", "deliver_policy": "last", "filter_subject": "jobs.b"}}),
        ("error_consumer_wq_unfiltered", "$JS.API.CONSUMER.CREATE.JOBS.W5", {"stream_name": "JOBS", "config": {"durable_name": "W5", "ack_policy": "explicit"}}),
        ("error_consumer_start_seq_missing", "$JS.API.CONSUMER.CREATE.ORDERS.SS", {"stream_name": "ORDERS", "config": {"durable_name": "SS", "deliver_policy": "by_start_sequence"}}),
        ("error_consumer_start_time_with_all", "$JS.API.CONSUMER.CREATE.ORDERS.ST", {"stream_name": "ORDERS", "config": {"durable_name": "ST", "opt_start_time": "2024-01-02T03:04:05Z"}}),
        ("error_consumer_last_per_subject_no_filter", "$JS.API.CONSUMER.CREATE.ORDERS.LP", {"stream_name": "ORDERS", "config": {"durable_name": "LP", "deliver_policy": "last_per_subject"}}),
        ("error_consumer_sample_freq", "$JS.API.CONSUMER.CREATE.ORDERS.SF", {"stream_name": "ORDERS", "config": {"durable_name": "SF", "sample_freq": "abc"}}),
        ("error_consumer_sample_freq_negative", "$JS.API.CONSUMER.CREATE.ORDERS.SN", {"stream_name": "ORDERS", "config": {"durable_name": "SN", "sample_freq": "-5%"}}),
        ("error_consumer_backoff_max_deliver", "$JS.API.CONSUMER.CREATE.ORDERS.BO", {"stream_name": "ORDERS", "config": {"durable_name": "BO", "ack_policy": "explicit", "backoff": [1000000000, 2000000000, 3000000000], "max_deliver": 2}}),
        ("error_consumer_description_too_long", "$JS.API.CONSUMER.CREATE.ORDERS.DL", {"stream_name": "ORDERS", "config": {"durable_name": "DL", "description": "x" * 4097}}),
        ("error_consumer_direct_pull", "$JS.API.CONSUMER.CREATE.ORDERS.DP", {"stream_name": "ORDERS", "config": {"durable_name": "DP", "direct": True}}),
        ("error_consumer_max_ack_pending_limit", "$JS.API.CONSUMER.CREATE.LIMITED.L2", {"stream_name": "LIMITED", "config": {"durable_name": "L2", "ack_policy": "explicit", "max_ack_pending": 60}}),
        ("error_consumer_bad_filter", "$JS.API.CONSUMER.CREATE.ORDERS.BF", {"stream_name": "ORDERS", "config": {"durable_name": "BF", "filter_subject": "orders..x"}}),
        ("error_consumer_bad_durable", "$JS.API.CONSUMER.CREATE.ORDERS", {"stream_name": "ORDERS", "config": {"name": "a b", "deliver_subject": "d.bd"}}),
        ("error_consumer_invalid_json", "$JS.API.CONSUMER.CREATE.ORDERS.BAD", '{"stream_name":"ORDERS",'),
        ("error_consumer_wrong_type", "$JS.API.CONSUMER.CREATE.ORDERS.BAD", '{"stream_name":"ORDERS","config":{"ack_wait":"30s"}}'),
        ("error_consumer_bad_policy", "$JS.API.CONSUMER.CREATE.ORDERS.BAD", '{"stream_name":"ORDERS","config":{"ack_policy":"bogus"}}'),
        ("error_consumer_unknown_field", "$JS.API.CONSUMER.CREATE.ORDERS.UF", '{"stream_name":"ORDERS","config":{"durable_name":"UF","bogus":1}}'),
        ("error_consumer_update_deliver_policy", "$JS.API.CONSUMER.CREATE.ORDERS.PULL", {"stream_name": "ORDERS", "config": {"durable_name": "PULL", "ack_policy": "explicit", "deliver_policy": "new"}}),
        ("error_consumer_update_ack_policy", "$JS.API.CONSUMER.CREATE.ORDERS.PULL", {"stream_name": "ORDERS", "config": {"durable_name": "PULL", "ack_policy": "all"}}),
        ("error_consumer_update_to_push", "$JS.API.CONSUMER.CREATE.ORDERS.PULL", {"stream_name": "ORDERS", "config": {"durable_name": "PULL", "ack_policy": "explicit", "deliver_subject": "d.pull"}}),
        ("error_consumer_update_max_waiting", "$JS.API.CONSUMER.CREATE.ORDERS.PULL", {"stream_name": "ORDERS", "config": {"durable_name": "PULL", "ack_policy": "explicit", "max_waiting": 7}}),
    ]
    for name, subject, body in errors:
        record(name, subject, body)
    with open(TSV, "w") as out:
        out.write("# name\tsubject\theaders (k=v;...)\tbody: what was sent to nats-server 2.9.10 for <name>.json (after the\n")
        out.write("# setup: streams ORDERS orders.>, JOBS jobs.> workqueue, LIMITED limited.> with consumer max_ack_pending 50;\n")
        out.write("# three messages on orders.eu.0-2; one pull from PULL after consumer_update)\n")
        out.write("\n".join(rows) + "\n")
finally:
    srv.terminate(); srv.wait()
    shutil.rmtree(sd)
