#!/usr/bin/env python3
"""fake-ovirt.py: an oVirt engine's REST API as far as herd import reads
it, served from saved responses, for tests/test-cli.sh.

Usage: fake-ovirt.py DIR PORT_FILE LOG USER:PASSWORD [CERT KEY]

Serves DIR's JSON files (tests/import/ovirt-estate/json) under
/ovirt-engine/api on 127.0.0.1, on a free port written to PORT_FILE:
/datacenters, /clusters, /hosts, /vms, /disks, /storagedomains, /networks
and /schedulingpolicies from the file of that name, cut into pages as the
engine does with "search=page N" and "max=M" (the API guide's
"Pagination"); /datacenters/ID/storagedomains, /clusters/ID/networks and
/hosts/ID/fenceagents from datacenter-storagedomains, cluster-networks-NAME
and fenceagents-NAME.  A request without "Accept: application/json",
"Version: 4" and HTTP Basic credentials USER:PASSWORD is refused (406,
400, 401) as the engine refuses it; a path it does not know is 404.
Every request's path and query is appended to LOG.  With CERT and KEY
(PEM) it speaks HTTPS.  Runs until killed.
"""
import base64
import json
import os
import ssl
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

DIR, PORT_FILE, LOG, CREDENTIALS = sys.argv[1:5]
PREFIX = "/ovirt-engine/api/"
LISTINGS = {
    "datacenters": "data_center", "clusters": "cluster", "hosts": "host",
    "vms": "vm", "disks": "disk", "storagedomains": "storage_domain",
    "networks": "network", "schedulingpolicies": "scheduling_policy",
}
SUB = {
    ("datacenters", "storagedomains"): ("datacenter-storagedomains", None),
    ("clusters", "networks"): ("cluster-networks-", "clusters"),
    ("hosts", "fenceagents"): ("fenceagents-", "hosts"),
}


def load(name):
    path = os.path.join(DIR, name + ".json")
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        return json.load(f)


def name_of(collection, ident):
    for obj in load(collection).get(LISTINGS[collection], []):
        if obj.get("id") == ident:
            return obj.get("name")
    return None


class Engine(BaseHTTPRequestHandler):
    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        with open(LOG, "a") as log:
            log.write(urllib.parse.unquote(self.path) + "\n")
        auth = "Basic " + base64.b64encode(CREDENTIALS.encode()).decode()
        if self.headers.get("Authorization") != auth:
            return self.reply(401, {"fault": {"reason": "Unauthorized"}})
        if self.headers.get("Version") != "4":
            return self.reply(400, {"fault": {"reason": "Version"}})
        if self.headers.get("Accept") != "application/json":
            return self.reply(406, {"fault": {"reason": "Not Acceptable"}})
        url = urllib.parse.urlparse(self.path)
        if not url.path.startswith(PREFIX):
            return self.reply(404, {})
        parts = url.path[len(PREFIX):].split("/")
        query = urllib.parse.parse_qs(url.query)
        if len(parts) == 1 and parts[0] in LISTINGS:
            singular = LISTINGS[parts[0]]
            objects = load(parts[0]).get(singular, [])
            search = query.get("search", [""])[0].split()
            if "max" in query and "page" in search:
                size = int(query["max"][0])
                page = int(search[search.index("page") + 1])
                objects = objects[(page - 1) * size:page * size]
            return self.reply(200, {singular: objects} if objects else {})
        if len(parts) == 3 and (parts[0], parts[2]) in SUB:
            file, named_by = SUB[(parts[0], parts[2])]
            if named_by is not None:
                name = name_of(named_by, parts[1])
                if name is None:
                    return self.reply(404, {})
                file += name
            return self.reply(200, load(file))
        return self.reply(404, {})

    def log_message(self, *args):
        pass


server = HTTPServer(("127.0.0.1", 0), Engine)
if len(sys.argv) > 6:
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(sys.argv[5], sys.argv[6])
    server.socket = tls.wrap_socket(server.socket, server_side=True)
with open(PORT_FILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.serve_forever()
