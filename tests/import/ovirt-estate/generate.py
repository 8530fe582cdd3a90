#!/usr/bin/env python3
"""Generate the oVirt REST API v4 fixtures of this directory.

One description of the estate is rendered twice: as the JSON an oVirt 4.x
engine returns (Jackson over the JAXB model classes) and as the XML it
returns (JAXB).  Run from anywhere: `python3 generate.py`; it rewrites
json/*.json and xml/*.xml next to this file.  See README.md for where
every field comes from.
"""

import datetime
import os
from xml.sax.saxutils import escape, quoteattr

API = "/ovirt-engine/api"
GIB = 1024 ** 3
MIB = 1024 ** 2
HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------
# Value kinds.  Plain str/int/bool are the model's String/Integer/Boolean and
# enums: the engine renders them as JSON strings.  Dec is the model's Decimal
# (a BigDecimal in the JAXB classes): a JSON number.  Date is a JSON number of
# epoch milliseconds and an xs:dateTime in XML.


class Dec:
    def __init__(self, v):
        self.v = v

    def text(self):
        return str(self.v)


TZ = datetime.timezone(datetime.timedelta(hours=1))  # engine server in CET


class Date:
    def __init__(self, y, mo, d, h, mi, s, ms):
        self.dt = datetime.datetime(y, mo, d, h, mi, s, ms * 1000, tzinfo=TZ)

    def epoch_ms(self):
        return int(self.dt.timestamp() * 1000)

    def text(self):
        return self.dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d" % (self.dt.microsecond // 1000) + "+01:00"


class L:
    """A model list attribute or link: {"<item>": [...]} / <field><item/>...</field>.
    materialized=False is a list the mapper never touched (JAXB field null):
    JSON {} and XML <field/>."""

    def __init__(self, item, items, materialized=True):
        self.item = item
        self.items = list(items)
        self.materialized = materialized


class Obj:
    """A structured value.  attrs/links are dicts; base holds the Identified
    members (name, description, comment), href/id become XML attributes,
    rels become the "link" list."""

    def __init__(self, attrs=None, links=None, name=None, description=None,
                 comment=None, href=None, id=None, rels=None):
        self.attrs = attrs or {}
        self.links = links or {}
        self.name = name
        self.description = description
        self.comment = comment
        self.href = href
        self.id = id
        self.rels = rels or []


def ref(collection, id_):
    return Obj(href="%s/%s/%s" % (API, collection, id_), id=id_)


def s(v):  # primitive to the engine's text form
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# ---------------------------------------------------------------------------
# JSON writer mimicking Jackson's DefaultPrettyPrinter (what the engine uses).

def jstr(v):
    out = ['"']
    for ch in v:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ord(ch) < 0x20:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def json_members(o):
    m = []
    for k in sorted(o.attrs):
        m.append((k, o.attrs[k]))
    for k in sorted(o.links):
        m.append((k, o.links[k]))
    for k in ("name", "description", "comment", "href", "id"):
        v = getattr(o, k)
        if v is not None:
            m.append((k, v))
    if o.rels:
        m.append(("link", [("__link__", rel, h) for rel, h in o.rels]))
    return m


def jval(v, ind):
    pad = "  " * ind
    if isinstance(v, Obj):
        mem = json_members(v)
        if not mem:
            return "{ }"
        parts = [pad + "  " + jstr(k) + " : " + jval(x, ind + 1) for k, x in mem]
        return "{\n" + ",\n".join(parts) + "\n" + pad + "}"
    if isinstance(v, L):
        if not v.materialized:
            return "{ }"
        return "{\n" + pad + "  " + jstr(v.item) + " : " + jarr(v.items, ind + 1) + "\n" + pad + "}"
    if isinstance(v, list):  # the "link" list
        return jarr(v, ind)
    if isinstance(v, tuple) and v[0] == "__link__":
        return ("{\n" + pad + "  \"href\" : " + jstr(v[2]) + ",\n" + pad +
                "  \"rel\" : " + jstr(v[1]) + "\n" + pad + "}")
    if isinstance(v, Dec):
        return v.text()
    if isinstance(v, Date):
        return str(v.epoch_ms())
    return jstr(s(v))


def jarr(items, ind):
    if not items:
        return "[ ]"
    return "[ " + ", ".join(jval(x, ind) for x in items) + " ]"


def write_json(path, item, objs):
    top = "{\n  " + jstr(item) + " : " + jarr(objs, 1) + "\n}\n"
    with open(path, "w") as f:
        f.write(top)


# ---------------------------------------------------------------------------
# XML writer (JAXB-style, 4-space indent; id/href/rel are XML attributes).

def xattrs(o):
    a = ""
    if o.href is not None:
        a += " href=" + quoteattr(o.href)
    if o.id is not None:
        a += " id=" + quoteattr(o.id)
    return a


def xelem(tag, v, ind, out):
    pad = "    " * ind
    if isinstance(v, Obj):
        kids = []
        for k in ("name", "description", "comment"):
            x = getattr(v, k)
            if x is not None:
                kids.append((k, x))
        children = []
        for k, x in kids:
            xelem(k, x, ind + 1, children)
        for rel, h in v.rels:
            children.append("    " * (ind + 1) + "<link href=%s rel=%s/>" % (quoteattr(h), quoteattr(rel)))
        for k in sorted(v.attrs):
            xelem(k, v.attrs[k], ind + 1, children)
        for k in sorted(v.links):
            xelem(k, v.links[k], ind + 1, children)
        if children:
            out.append(pad + "<" + tag + xattrs(v) + ">")
            out.extend(children)
            out.append(pad + "</" + tag + ">")
        else:
            out.append(pad + "<" + tag + xattrs(v) + "/>")
        return
    if isinstance(v, L):
        if not v.items:
            out.append(pad + "<" + tag + "/>")
            return
        out.append(pad + "<" + tag + ">")
        for x in v.items:
            xelem(v.item, x, ind + 1, out)
        out.append(pad + "</" + tag + ">")
        return
    if isinstance(v, (Dec, Date)):
        t = v.text()
    else:
        t = s(v)
    out.append(pad + "<" + tag + ">" + escape(t) + "</" + tag + ">")


def write_xml(path, plural, item, objs):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>']
    if objs:
        out.append("<" + plural + ">")
        for o in objs:
            xelem(item, o, 1, out)
        out.append("</" + plural + ">")
    else:
        out.append("<" + plural + "/>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


# ---------------------------------------------------------------------------
# Identifiers.  Made up, stable, one tag per type in the fourth group.  The
# scheduling policies, the default MAC pool, the "Minimal downtime" migration
# policy and the Blank template keep the ids every engine ships with.


def uid(tag, n):
    return "00000000-0000-0000-%s-%012d" % (tag, n)


DC_ID = uid("dc00", 1)
MAC_POOL_ID = "58ca604b-017d-0374-0220-00000000014e"
MIGRATION_POLICY_ID = "80554327-0569-496b-bdeb-fcbbf52b827b"
BLANK_TEMPLATE_ID = "00000000-0000-0000-0000-000000000000"
POLICY = {
    "none": "b4ed2332-a7ac-4d5f-9596-99a439cb2812",
    "evenly_distributed": "20d25257-b4bd-4589-92a6-c4c5c5d3fd1a",
    "power_saving": "5a2b0939-7d46-4b73-a469-e9c2c7fc6a53",
}
# InternalClusterPolicies.java: each built-in policy's own parameter map.
POLICY_DEFAULTS = {
    "none": [("CpuOverCommitDurationMinutes", "2"), ("HighUtilization", "80")],
    "evenly_distributed": [("CpuOverCommitDurationMinutes", "2"), ("HeSparesCount", "0"),
                           ("HighUtilization", "80"), ("VCpuToPhysicalCpuRatio", "0")],
    "power_saving": [("CpuOverCommitDurationMinutes", "2"), ("HeSparesCount", "0"),
                     ("HighUtilization", "80"), ("LowUtilization", "20")],
}

# ---------------------------------------------------------------------------
# The estate.

CLUSTERS = [
    # name, n, description, policy, custom props, over_commit %, cpu type,
    # bandwidth (method, custom), fencing (enabled, conn_broken, sd_active), ballooning, ksm
    dict(name="prod", n=1, description="Production", policy="evenly_distributed",
         props=[("HighUtilization", "80"), ("CpuOverCommitDurationMinutes", "2")],
         over_commit=150, cpu_type="Intel Icelake Server Family",
         bandwidth=("custom", 1000), fencing=(True, True, True), ballooning=True, ksm=True),
    dict(name="dev", n=2, description="Development", policy="power_saving",
         props=[("LowUtilization", "20"), ("HighUtilization", "80")],
         over_commit=200, cpu_type="AMD EPYC", bandwidth=("auto", None),
         fencing=(False, False, False), ballooning=True, ksm=True),
    dict(name="edge", n=3, description="Edge site", policy="none", props=[],
         over_commit=100, cpu_type="Intel Skylake Client Family",
         bandwidth=("hypervisor_default", None), fencing=(True, False, False),
         ballooning=False, ksm=False),
]
for c in CLUSTERS:
    c["id"] = uid("c100", c["n"])
    c["cpu_profile"] = uid("cc00", c["n"])
CL = {c["name"]: c for c in CLUSTERS}

HOSTS = [
    # name, cluster, sockets, cores/socket, threads/core, GiB, cpu model, MHz, status
    ("prod-h01", "prod", 2, 16, 2, 512, "Intel(R) Xeon(R) Gold 6346 CPU @ 3.10GHz", 3100, "up"),
    ("prod-h02", "prod", 2, 16, 2, 512, "Intel(R) Xeon(R) Gold 6346 CPU @ 3.10GHz", 3100, "up"),
    ("prod-h03", "prod", 2, 12, 2, 384, "Intel(R) Xeon(R) Gold 5317 CPU @ 3.00GHz", 3000, "up"),
    ("prod-h04", "prod", 2, 12, 2, 384, "Intel(R) Xeon(R) Gold 5317 CPU @ 3.00GHz", 3000, "up"),
    ("dev-h01", "dev", 1, 16, 2, 256, "AMD EPYC 7313P 16-Core Processor", 3000, "up"),
    ("dev-h02", "dev", 1, 16, 2, 256, "AMD EPYC 7313P 16-Core Processor", 3000, "up"),
    ("dev-h03", "dev", 1, 16, 2, 256, "AMD EPYC 7313P 16-Core Processor", 3000, "maintenance"),
    ("edge-h01", "edge", 1, 8, 1, 64, "Intel(R) Xeon(R) E-2278G CPU @ 3.40GHz", 3400, "up"),
]
H = {}
for i, (name, cl, so, co, th, gib, model, mhz, status) in enumerate(HOSTS, 1):
    H[name] = dict(name=name, n=i, id=uid("a000", i), cluster=cl, sockets=so, cores=co,
                   threads=th, gib=gib, model=model, mhz=mhz, status=status,
                   ip="10.0.%d.%d" % (CL[cl]["n"], 10 + i), bmc="10.0.9.%d" % (10 + i))
SPM_HOST = "prod-h01"
SPM_PRIORITY = {"prod-h01": 10, "edge-h01": 2}  # others keep the default 5

STORAGE_DOMAINS = [
    # name, n, type, storage type, master, total GiB, storage format
    dict(name="data-nfs", n=1, type="data", stype="nfs", master=True, total=4096, fmt="v5",
         address="nfs01.example.com", path="/exports/data"),
    dict(name="data-iscsi", n=2, type="data", stype="iscsi", master=False, total=2047, fmt="v5"),
    dict(name="iso", n=3, type="iso", stype="nfs", master=False, total=500, fmt="v1",
         address="nfs01.example.com", path="/exports/iso", used=37),
    dict(name="export", n=4, type="export", stype="nfs", master=False, total=2048, fmt="v1",
         address="nfs02.example.com", path="/exports/export", used=812),
]
for sd in STORAGE_DOMAINS:
    sd["id"] = uid("5d00", sd["n"])
    sd["disk_profile"] = uid("dd00", sd["n"])
SD = {sd["name"]: sd for sd in STORAGE_DOMAINS}

# VMs: name, cluster, status, host, memory GiB, (sockets, cores, threads),
# type, os, HA (enabled, priority), lease SD, placement (affinity, hosts),
# disks [(GiB, format, sparse, SD, interface, actual MiB)], guaranteed MiB
# (None: memory), stateless, paused detail
VMS = []


def vm(name, cl, status, host, gib, topo, disks, vtype="server", os_="rhel_8x64",
       ha=(False, 1), lease=None, placement=("migratable", []), guaranteed=None,
       stateless=False, status_detail=None, resume="auto_resume"):
    VMS.append(dict(name=name, cluster=cl, status=status, host=host, gib=gib, topo=topo,
                    disks=disks, type=vtype, os=os_, ha=ha, lease=lease, placement=placement,
                    guaranteed=guaranteed, stateless=stateless, status_detail=status_detail,
                    resume=resume))


def db_disks():
    return [(60, "raw", False, "data-iscsi", "virtio_scsi", 60 * 1024),
            (500, "raw", False, "data-iscsi", "virtio_scsi", 500 * 1024)]


# prod: 12 VMs; memory guaranteed = memory * 100 / 150 (rounded down to MiB)
# except the databases, which reserve all of it.
vm("db-01", "prod", "up", "prod-h01", 64, (2, 8, 1), db_disks(), ha=(True, 100),
   lease="data-iscsi", guaranteed=64 * 1024, resume="kill")
vm("db-02", "prod", "up", "prod-h02", 64, (2, 8, 1), db_disks(), ha=(True, 100),
   lease="data-iscsi", guaranteed=64 * 1024, resume="kill")
for i, host in enumerate(["prod-h01", "prod-h02", "prod-h03", "prod-h04", "prod-h01", None], 1):
    vm("app-%02d" % i, "prod", "up" if host else "down", host, 16, (8, 1, 1),
       [(40, "cow", True, "data-nfs", "virtio_scsi", 9000 + 731 * i)],
       ha=(True, 50) if i == 1 else (False, 1),
       placement=("user_migratable", ["prod-h01"]) if i == 5 else ("migratable", []),
       guaranteed=16 * 1024 * 100 // 150)
for i, host in enumerate(["prod-h01", "prod-h02", "prod-h03", "prod-h04"], 1):
    vm("web-%02d" % i, "prod", "up", host, 8, (4, 1, 1),
       [(20, "cow", True, "data-nfs", "virtio", 4200 + 517 * i)],
       placement=("migratable", ["prod-h03", "prod-h04"]) if i == 4 else ("migratable", []),
       guaranteed=8 * 1024 * 100 // 150)
# dev: 9 VMs; guaranteed = half of memory (over_commit 200)
vm("dev-db-01", "dev", "paused", "dev-h01", 16, (2, 2, 1),
   [(30, "cow", True, "data-nfs", "virtio_scsi", 14336), (100, "cow", True, "data-nfs", "virtio_scsi", 71680)],
   guaranteed=8 * 1024, status_detail="enospc")
for i, host in enumerate(["dev-h01", "dev-h01", "dev-h02"], 1):
    vm("dev-app-%02d" % i, "dev", "up", host, 8, (4, 1, 1),
       [(40, "cow", True, "data-nfs", "virtio_scsi", 7000 + 911 * i)], guaranteed=4 * 1024)
for i, host in enumerate(["dev-h01", "dev-h02", None], 1):
    vm("dev-build-%02d" % i, "dev", "up" if host else "down", host, 32, (1, 8, 2),
       [(60, "cow", True, "data-nfs", "virtio_scsi", 18000 + 1201 * i),
        (200, "cow", True, "data-nfs", "virtio_scsi", 40000 + 3301 * i)], guaranteed=16 * 1024)
vm("dev-desk-01", "dev", "up", "dev-h01", 4, (2, 1, 1),
   [(60, "cow", True, "data-nfs", "virtio_scsi", 24576)], vtype="desktop", os_="windows_10x64",
   guaranteed=2 * 1024)
vm("dev-desk-02", "dev", "up", "dev-h02", 4, (2, 1, 1),
   [(60, "cow", True, "data-nfs", "virtio_scsi", 22528)], vtype="desktop", os_="windows_10x64",
   guaranteed=2 * 1024, stateless=True)
# edge: 3 VMs
vm("edge-gw-01", "edge", "up", "edge-h01", 4, (2, 1, 1),
   [(10, "cow", True, "data-nfs", "virtio", 3072)], ha=(True, 1),
   placement=("pinned", ["edge-h01"]))
vm("edge-cam-01", "edge", "up", "edge-h01", 8, (4, 1, 1),
   [(20, "cow", True, "data-nfs", "virtio", 6144), (200, "cow", True, "data-nfs", "virtio", 90112)])
vm("edge-cam-02", "edge", "down", None, 8, (4, 1, 1),
   [(20, "cow", True, "data-nfs", "virtio", 5120), (200, "cow", True, "data-nfs", "virtio", 40960)])

V = {}
disk_n = 0
DISKS = []
for i, v in enumerate(VMS, 1):
    v["n"] = i
    v["id"] = uid("b000", i)
    V[v["name"]] = v
    v["disk_ids"] = []
    for j, (gib, fmt, sparse, sdn, iface, actual_mib) in enumerate(v["disks"], 1):
        disk_n += 1
        d = dict(n=disk_n, id=uid("d15c", disk_n), image=uid("e000", disk_n),
                 name="%s_Disk%d" % (v["name"], j), gib=gib, fmt=fmt, sparse=sparse, sd=sdn,
                 iface=iface, actual=actual_mib * MIB, bootable=(j == 1), vm=v["name"],
                 content="data")
        DISKS.append(d)
        v["disk_ids"].append(d)
# Two OVF_STORE disks per data domain (the engine keeps them on every data
# domain; they are listed by /disks but attached to no VM).
for sdn in ("data-nfs", "data-iscsi"):
    for k in (1, 2):
        disk_n += 1
        DISKS.append(dict(n=disk_n, id=uid("d15c", disk_n), image=uid("e000", disk_n),
                          name="OVF_STORE", gib=None, size=128 * MIB, fmt="raw",
                          sparse=(SD[sdn]["stype"] == "nfs"), sd=sdn, iface=None,
                          actual=(128 * MIB if SD[sdn]["stype"] == "iscsi" else 104 * 1024),
                          bootable=False, vm=None, content="ovf_store",
                          description="OVF_STORE"))
for d in DISKS:
    d["size"] = d.get("size") or d["gib"] * GIB

AFFINITY_GROUPS = [
    dict(n=1, cluster="prod", name="db-anti-affinity", description="Keep the databases apart",
         vms=["db-01", "db-02"], hosts=[], vm_rule=("negative", True), host_rule=None),
    dict(n=2, cluster="prod", name="app-web-together", description="Keep app-01 near web-01",
         vms=["app-01", "web-01"], hosts=[], vm_rule=("positive", False), host_rule=None),
    dict(n=3, cluster="edge", name="cam-on-edge-h01", description="Cameras run on the edge host",
         vms=["edge-cam-01"], hosts=["edge-h01"], vm_rule=None, host_rule=("positive", True)),
]
for g in AFFINITY_GROUPS:
    g["id"] = uid("af00", g["n"])

NETWORKS = [
    dict(n=1, name="ovirtmgmt", description="Management Network", vm=True, vlan=None, mtu=0),
    dict(n=2, name="backend", description="Backend VM traffic", vm=True, vlan=100, mtu=0),
    dict(n=3, name="storage", description="Storage traffic", vm=False, vlan=200, mtu=9000),
]
for nw in NETWORKS:
    nw["id"] = uid("ae00", nw["n"])
NW = {nw["name"]: nw for nw in NETWORKS}
# network_cluster rows: cluster -> [(network, required, roles beyond vm)]
CLUSTER_NETWORKS = {
    "prod": [("ovirtmgmt", True, ["display", "migration", "management", "default_route"]),
             ("backend", False, []), ("storage", True, [])],
    "dev": [("ovirtmgmt", True, ["display", "migration", "management", "default_route"]),
            ("backend", False, []), ("storage", False, [])],
    "edge": [("ovirtmgmt", True, ["display", "migration", "management", "default_route"])],
}

# ---------------------------------------------------------------------------
# Derived per-host numbers.

GUEST_OVERHEAD_MIB = 65  # vds_dynamic.guest_overhead as VDSM reports it
RESERVED_MIB = 321       # vds_dynamic.reserved_mem as VDSM reports it


def vms_on(host):
    return [v for v in VMS if v["host"] == host and v["status"] in ("up", "paused")]


def max_sched_mib(h):
    phys = h["gib"] * 1024
    committed = sum(v["gib"] * 1024 + GUEST_OVERHEAD_MIB for v in vms_on(h["name"]))
    free = CL[h["cluster"]]["over_commit"] * phys / 100.0 - committed - RESERVED_MIB
    return int(max(free, 0))


def rels(base, names):
    return [(r, "%s/%s" % (base, r)) for r in names]


# Sub-collection links (rel = service locator name, words lower-cased and
# joined: JaxrsNames.java in ovirt-engine-api-metamodel), from the @Service
# members of the api-model services, sorted (the engine's own order comes
# from Java reflection and is not significant).
VM_RELS = ["affinitylabels", "applications", "backups", "cdroms", "checkpoints", "diskattachments",
           "graphicsconsoles", "hostdevices", "katelloerrata", "mediateddevices", "nics",
           "numanodes", "permissions", "reporteddevices", "sessions", "snapshots", "statistics",
           "tags", "watchdogs"]
HOST_RELS = ["affinitylabels", "cpuunits", "devices", "externalnetworkproviderconfigurations",
             "fenceagents", "hooks", "katelloerrata", "networkattachments", "nics", "numanodes",
             "permissions", "statistics", "storage", "storageconnectionextensions", "tags",
             "unmanagednetworks"]
CLUSTER_RELS = ["affinitygroups", "cpuprofiles", "enabledfeatures", "externalnetworkproviders",
                "glusterhooks", "glustervolumes", "networkfilters", "networks", "permissions"]
DC_RELS = ["clusters", "iscsibonds", "networks", "permissions", "qoss", "quotas", "storagedomains"]
DISK_RELS = ["disksnapshots", "permissions", "statistics"]
SD_RELS_ALL = ["diskprofiles", "disks", "disksnapshots", "files", "images", "permissions",
               "storageconnections", "templates", "vms"]
SD_RELS_EXCLUDE = {"iso": {"templates", "vms", "disks", "images"},
                   "export": {"files", "images"}, "data": {"files", "images"}}
NETWORK_RELS = ["networklabels", "permissions", "vnicprofiles"]
AG_RELS = ["hostlabels", "hosts", "vmlabels", "vms"]
SP_RELS = ["balances", "filters", "weights"]

# ---------------------------------------------------------------------------
# Builders.


def version(major, minor):
    return Obj(attrs={"major": major, "minor": minor})


def build_datacenter():
    href = "%s/datacenters/%s" % (API, DC_ID)
    return Obj(
        attrs={"local": False, "quota_mode": "disabled", "status": "up", "storage_format": "v5",
               "supported_versions": L("version", [version(4, 7)]), "version": version(4, 7)},
        links={"mac_pool": ref("macpools", MAC_POOL_ID)},
        name="dc1", description="Main data center", href=href, id=DC_ID, rels=rels(href, DC_RELS))


def build_scheduling_policy(pname):
    pid = POLICY[pname]
    href = "%s/schedulingpolicies/%s" % (API, pid)
    return Obj(
        attrs={"default_policy": pname == "none", "locked": True,
               "properties": L("property", [Obj(attrs={"name": k, "value": val})
                                            for k, val in POLICY_DEFAULTS[pname]])},
        name=pname, href=href, id=pid, rels=rels(href, SP_RELS))


def build_affinity_group(g):
    c = CL[g["cluster"]]
    href = "%s/clusters/%s/affinitygroups/%s" % (API, c["id"], g["id"])
    attrs = {"broken": False, "priority": Dec(1)}
    if g["vm_rule"]:
        pol, enf = g["vm_rule"]
        attrs["vms_rule"] = Obj(attrs={"enabled": True, "enforcing": enf, "positive": pol == "positive"})
        attrs["positive"] = pol == "positive"
        attrs["enforcing"] = enf
    else:
        attrs["vms_rule"] = Obj(attrs={"enabled": False, "enforcing": False, "positive": False})
        attrs["enforcing"] = False  # positive is null when the VM rule is disabled
    if g["host_rule"]:
        pol, enf = g["host_rule"]
        attrs["hosts_rule"] = Obj(attrs={"enabled": True, "enforcing": enf, "positive": pol == "positive"})
    else:
        attrs["hosts_rule"] = Obj(attrs={"enabled": False, "enforcing": False, "positive": False})
    return Obj(
        attrs=attrs,
        links={"cluster": ref("clusters", c["id"]),
               "hosts": L("host", [ref("hosts", H[h]["id"]) for h in g["hosts"]]),
               "host_labels": L("affinity_label", []),
               "vms": L("vm", [ref("vms", V[x]["id"]) for x in g["vms"]]),
               "vm_labels": L("affinity_label", [])},
        name=g["name"], description=g["description"], href=href, id=g["id"],
        rels=rels(href, AG_RELS))


def build_cluster(c):
    href = "%s/clusters/%s" % (API, c["id"])
    method, custom = c["bandwidth"]
    bw = {"assignment_method": method}
    if custom is not None:
        bw["custom_value"] = custom
    fen, conn, sdact = c["fencing"]
    attrs = {
        "ballooning_enabled": c["ballooning"],
        "bios_type": "q35_ovmf",
        "cpu": Obj(attrs={"architecture": "x86_64", "type": c["cpu_type"]}),
        "error_handling": Obj(attrs={"on_error": "migrate"}),
        "fencing_policy": Obj(attrs={
            "enabled": fen,
            "skip_if_connectivity_broken": Obj(attrs={"enabled": conn, "threshold": 50}),
            "skip_if_gluster_bricks_up": False,
            "skip_if_gluster_quorum_not_met": False,
            "skip_if_sd_active": Obj(attrs={"enabled": sdact})}),
        "fips_mode": "undefined",
        "firewall_type": "firewalld",
        "gluster_service": False,
        "ha_reservation": False,
        "ksm": Obj(attrs={"enabled": c["ksm"], "merge_across_nodes": True}),
        "log_max_memory_used_threshold": 95,
        "log_max_memory_used_threshold_type": "percentage",
        "memory_policy": Obj(attrs={
            "over_commit": Obj(attrs={"percent": c["over_commit"]}),
            "transparent_hugepages": Obj(attrs={"enabled": True})}),
        "migration": Obj(attrs={"auto_converge": "inherit", "bandwidth": Obj(attrs=bw),
                                "compressed": "inherit", "encrypted": "inherit",
                                "parallel_migrations_policy": "disabled"},
                         links={"policy": Obj(id=MIGRATION_POLICY_ID)}),
        "required_rng_sources": L("required_rng_source", ["urandom"]),
        "switch_type": "legacy",
        "threads_as_cores": False,
        "trusted_service": False,
        "tunnel_migration": False,
        "upgrade_in_progress": False,
        "upgrade_percent_complete": 0,
        "version": version(4, 7),
        "virt_service": True,
        "vnc_encryption": False,
    }
    if c["props"]:
        attrs["custom_scheduling_policy_properties"] = L(
            "property", [Obj(attrs={"name": k, "value": val}) for k, val in c["props"]])
    groups = [build_affinity_group(g) for g in AFFINITY_GROUPS if g["cluster"] == c["name"]]
    return Obj(
        attrs=attrs,
        links={"affinity_groups": L("affinity_group", groups, materialized=bool(groups)),
               "data_center": ref("datacenters", DC_ID),
               "mac_pool": ref("macpools", MAC_POOL_ID),
               "scheduling_policy": build_scheduling_policy(c["policy"])},
        name=c["name"], description=c["description"], comment="", href=href, id=c["id"],
        rels=rels(href, CLUSTER_RELS))


def build_host(h):
    href = "%s/hosts/%s" % (API, h["id"])
    c = CL[h["cluster"]]
    running = vms_on(h["name"])
    prod = h["cluster"] == "prod"
    fqdn = h["name"] + ".example.com"
    attrs = {
        "address": fqdn,
        "auto_numa_status": "disable" if h["sockets"] > 1 else "unknown",
        "certificate": Obj(attrs={"organization": "example.com",
                                  "subject": "O=example.com,CN=" + fqdn}),
        "cpu": Obj(attrs={"name": h["model"], "speed": Dec(h["mhz"]),
                          "topology": Obj(attrs={"cores": h["cores"], "sockets": h["sockets"],
                                                 "threads": h["threads"]}),
                          "type": c["cpu_type"]}),
        "device_passthrough": Obj(attrs={"enabled": False}),
        "external_status": "ok",
        "hardware_information": Obj(attrs={
            "family": "PowerEdge" if prod else "",
            "manufacturer": "Dell Inc." if prod else "Supermicro",
            "product_name": "PowerEdge R750" if prod else ("AS -1114S-WN10RT" if h["cluster"] == "dev" else "SYS-E300-9D"),
            "serial_number": "SN%06d" % (4711 + h["n"]),
            "supported_rng_sources": L("supported_rng_source", ["hwrng", "urandom"]),
            "uuid": "4c4c4544-0000-1000-8000-%012d" % h["n"],
            "version": ""}),
        "iscsi": Obj(attrs={"initiator": "iqn.1994-05.com.redhat:%s" % h["name"].replace("-", "")}),
        "kdump_status": "disabled",
        "ksm": Obj(attrs={"enabled": False}),
        "libvirt_version": Obj(attrs={"build": 0, "full_version": "libvirt-8.0.0-10.module_el8",
                                      "major": 8, "minor": 0, "revision": 0}),
        "max_scheduling_memory": max_sched_mib(h) * MIB,
        "memory": h["gib"] * 1024 * MIB,
        "numa_supported": h["sockets"] > 1,
        "os": Obj(attrs={"custom_kernel_cmdline": "",
                         "description": "Red Hat Enterprise Linux 8.7 (Ootpa)",
                         "reported_kernel_cmdline": "BOOT_IMAGE=(hd0,msdos1)/vmlinuz-4.18.0-425.3.1.el8.x86_64 root=/dev/mapper/rhel-root ro crashkernel=auto",
                         "type": "RHEL",
                         "version": Obj(attrs={"full_version": "8.7 - 1.el8", "major": 8, "minor": 7})}),
        "ovn_configured": True,
        "port": 54321,
        "power_management": Obj(attrs={
            "automatic_pm_enabled": True,
            "enabled": prod,
            "kdump_detection": True,
            "pm_proxies": L("pm_proxy", [Obj(attrs={"type": "cluster"}), Obj(attrs={"type": "dc"})])}),
        "protocol": "stomp",
        "reinstallation_required": False,
        "se_linux": Obj(attrs={"mode": "enforcing"}),
        "spm": Obj(attrs={"priority": SPM_PRIORITY.get(h["name"], 5),
                          "status": "spm" if h["name"] == SPM_HOST else "none"}),
        "ssh": Obj(attrs={"fingerprint": "SHA256:%043d" % h["n"], "port": 22,
                          "user": Obj(attrs={"user_name": "root"})}),
        "status": h["status"],
        "summary": Obj(attrs={"active": len([v for v in running if v["status"] == "up"]),
                              "migrating": 0, "total": len(running)}),
        "transparent_hugepages": Obj(attrs={"enabled": True}),
        "type": "rhel",
        "update_available": False,
        "version": Obj(attrs={"build": 3, "full_version": "vdsm-4.50.3.4-1.el8",
                              "major": 4, "minor": 50, "revision": 4}),
        "vgpu_placement": "consolidated",
    }
    if h["status"] == "maintenance":
        attrs["status_detail"] = "BIOS update"
    return Obj(attrs=attrs, links={"cluster": ref("clusters", c["id"])},
               name=h["name"], comment="", href=href, id=h["id"], rels=rels(href, HOST_RELS))


def build_fence_agent(h):
    aid = uid("fa00", h["n"])
    href = "%s/hosts/%s/fenceagents/%s" % (API, h["id"], aid)
    return Obj(attrs={"address": h["bmc"], "encrypt_options": False,
                      "options": L("option", [Obj(attrs={"name": "lanplus", "value": "1"})]),
                      "order": 1, "type": "ipmilan", "username": "ovirt-fence"},
               links={"host": ref("hosts", h["id"])}, href=href, id=aid)


CREATED = [Date(2023, 2, 1 + (i % 27), 9 + (i % 8), (7 * i) % 60, (13 * i) % 60, (37 * i) % 1000)
           for i in range(40)]
STARTED = [Date(2025, 1, 6 + (i % 20), 6 + (i % 12), (11 * i) % 60, (17 * i) % 60, (53 * i) % 1000)
           for i in range(40)]
STOPPED = [Date(2024, 12, 1 + (i % 28), 18, (3 * i) % 60, 5, 250) for i in range(40)]


def build_disk_attachment(v, d):
    href = "%s/vms/%s/diskattachments/%s" % (API, v["id"], d["id"])
    return Obj(attrs={"active": True, "bootable": d["bootable"], "interface": d["iface"],
                      "pass_discard": False, "read_only": False, "uses_scsi_reservation": False},
               links={"disk": ref("disks", d["id"]), "vm": ref("vms", v["id"])},
               href=href, id=d["id"])


def build_vm(v):
    href = "%s/vms/%s" % (API, v["id"])
    c = CL[v["cluster"]]
    mem = v["gib"] * 1024 * MIB
    so, co, th = v["topo"]
    desktop = v["type"] == "desktop"
    placement = Obj(attrs={"affinity": v["placement"][0]})
    if v["placement"][1]:
        placement.links["hosts"] = L("host", [ref("hosts", H[x]["id"]) for x in v["placement"][1]])
    attrs = {
        "auto_pinning_policy": "disabled",
        "bios": Obj(attrs={"boot_menu": Obj(attrs={"enabled": False}), "type": "cluster_default"}),
        "cpu": Obj(attrs={"architecture": "x86_64",
                          "topology": Obj(attrs={"cores": co, "sockets": so, "threads": th})}),
        "cpu_pinning_policy": "none",
        "cpu_shares": 0,
        "creation_time": CREATED[v["n"]],
        "delete_protected": False,
        "display": Obj(attrs={"allow_override": False, "copy_paste_enabled": True,
                              "disconnect_action": "LOCK_SCREEN", "disconnect_action_delay": 0,
                              "file_transfer_enabled": True, "monitors": 1,
                              "smartcard_enabled": False,
                              "type": "spice" if desktop else "vnc",
                              "video_type": "qxl" if desktop else "vga"}),
        "high_availability": Obj(attrs={"enabled": v["ha"][0], "priority": v["ha"][1]}),
        "io": Obj(attrs={"threads": 1}),
        "memory": mem,
        "memory_policy": Obj(attrs={"ballooning": True,
                                    "guaranteed": (v["guaranteed"] or v["gib"] * 1024) * MIB,
                                    "max": 4 * mem}),
        "migration": Obj(attrs={"auto_converge": "inherit", "compressed": "inherit",
                                "encrypted": "inherit", "parallel_migrations_policy": "inherit"}),
        "migration_downtime": -1,
        "multi_queues_enabled": True,
        "next_run_configuration_exists": False,
        "origin": "ovirt",
        "os": Obj(attrs={"boot": Obj(attrs={"devices": L("device", ["hd"])}), "type": v["os"]}),
        "placement_policy": placement,
        "start_paused": False,
        "stateless": v["stateless"],
        "status": v["status"],
        "storage_error_resume_behaviour": v["resume"],
        "time_zone": Obj(attrs={"name": "W. Europe Standard Time" if desktop else "Etc/GMT"}),
        "type": v["type"],
        "usb": Obj(attrs={"enabled": False}),
        "virtio_scsi_multi_queues_enabled": False,
    }
    if v["lease"]:
        attrs["lease"] = Obj(links={"storage_domain": ref("storagedomains", SD[v["lease"]]["id"])})
    if v["status"] in ("up", "paused"):
        attrs["run_once"] = False
        attrs["start_time"] = STARTED[v["n"]]
    else:
        attrs["stop_time"] = STOPPED[v["n"]]
    if v["status_detail"]:
        attrs["status_detail"] = v["status_detail"]
    if v["stateless"]:
        attrs["use_latest_template_version"] = False
    links = {
        "cluster": ref("clusters", c["id"]),
        "cpu_profile": ref("cpuprofiles", c["cpu_profile"]),
        "disk_attachments": L("disk_attachment", [build_disk_attachment(v, d) for d in v["disk_ids"]]),
        "original_template": ref("templates", BLANK_TEMPLATE_ID),
        "template": ref("templates", BLANK_TEMPLATE_ID),
    }
    if v["host"] and v["status"] in ("up", "paused"):
        links["host"] = ref("hosts", H[v["host"]]["id"])
    return Obj(attrs=attrs, links=links, name=v["name"], description="", comment="",
               href=href, id=v["id"], rels=rels(href, VM_RELS))


def build_disk(d):
    href = "%s/disks/%s" % (API, d["id"])
    sd = SD[d["sd"]]
    attrs = {
        "actual_size": d["actual"],
        "alias": d["name"],
        "backup": "none",
        "content_type": d["content"],
        "format": d["fmt"],
        "image_id": d["image"],
        "propagate_errors": False,
        "provisioned_size": d["size"],
        "shareable": False,
        "sparse": d["sparse"],
        "status": "ok",
        "storage_type": "image",
        "total_size": d["actual"],
        "wipe_after_delete": False,
    }
    if d["fmt"] == "cow":
        attrs["qcow_version"] = "qcow2_v3"
    return Obj(attrs=attrs,
               links={"disk_profile": ref("diskprofiles", sd["disk_profile"]),
                      "storage_domains": L("storage_domain", [ref("storagedomains", sd["id"])])},
               name=d["name"], description=d.get("description"), href=href, id=d["id"],
               rels=rels(href, DISK_RELS))


def sd_sizes(sd):
    if sd["type"] != "data":
        return sd["used"], sd["total"] - sd["used"], 0
    disks = [d for d in DISKS if d["sd"] == sd["name"]]
    committed = sum(d["size"] for d in disks) // GIB
    if sd["stype"] == "nfs":
        used = -(-sum(d["actual"] for d in disks) // GIB) + 24
    else:
        used = -(-sum(d["size"] for d in disks) // GIB) + 6  # plus the domain's own LVs
    return used, sd["total"] - used, committed


def build_storage_domain(sd, attached):
    used, avail, committed = sd_sizes(sd)
    if attached:
        href = "%s/datacenters/%s/storagedomains/%s" % (API, DC_ID, sd["id"])
    else:
        href = "%s/storagedomains/%s" % (API, sd["id"])
    if sd["stype"] == "nfs":
        storage = Obj(attrs={"address": sd["address"], "mount_options": "",
                             "nfs_version": "auto", "path": sd["path"], "type": "nfs"})
    else:
        vg = "Xq3ZkA-7cTb-4mPq-Lw2e-hT9v-Rj2u-D8n1fQ"
        lun = Obj(attrs={"address": "10.0.3.10", "discard_max_size": 33554432,
                         "discard_zeroes_data": False, "lun_mapping": 1, "port": 3260,
                         "portal": "10.0.3.10:3260,1", "product_id": "LIO-ORG",
                         "serial": "SLIO-ORG_data-iscsi_5c0e2a1f", "size": 2048 * GIB,
                         "storage_domain_id": sd["id"], "target": "iqn.2003-01.org.example:data-iscsi",
                         "vendor_id": "LIO-ORG", "volume_group_id": vg},
                  id="36001405a1b2c3d4e5f60718293a4b5c6")
        storage = Obj(attrs={"type": "iscsi",
                             "volume_group": Obj(attrs={"logical_units": L("logical_unit", [lun])}, id=vg)})
    attrs = {
        "available": avail * GIB,
        "backup": False,
        "block_size": 512,
        "committed": committed * GIB,
        "critical_space_action_blocker": 5,
        "discard_after_delete": False,
        "external_status": "ok",
        "master": sd["master"],
        "storage": storage,
        "storage_format": sd["fmt"],
        "supports_discard": sd["stype"] == "iscsi",
        "supports_discard_zeroes_data": False,
        "type": sd["type"],
        "used": used * GIB,
        "warning_low_space_indicator": 10,
        "wipe_after_delete": False,
    }
    links = {"data_centers": L("data_center", [ref("datacenters", DC_ID)])}
    if attached:
        attrs["status"] = "active"
        links["data_center"] = ref("datacenters", DC_ID)
        names = [] if sd["type"] == "iso" else ["disks"]
    else:
        names = [r for r in SD_RELS_ALL if r not in SD_RELS_EXCLUDE[sd["type"]]]
    return Obj(attrs=attrs, links=links, name=sd["name"], description="", comment="",
               href=href, id=sd["id"], rels=rels(href, names))


def build_network(nw, cluster=None, required=None, roles=()):
    if cluster is None:
        href = "%s/networks/%s" % (API, nw["id"])
        usages = L("usage", ["vm"] if nw["vm"] else [], materialized=nw["vm"])
    else:
        href = "%s/clusters/%s/networks/%s" % (API, CL[cluster]["id"], nw["id"])
        u = (["vm"] if nw["vm"] else []) + list(roles)
        usages = L("usage", u, materialized=bool(u))
    attrs = {"mtu": nw["mtu"], "port_isolation": False, "stp": False, "usages": usages,
             "vdsm_name": nw["name"]}
    if nw["vlan"] is not None:
        attrs["vlan"] = Obj(id=str(nw["vlan"]))
    links = {"data_center": ref("datacenters", DC_ID)}
    if cluster is not None:
        attrs["display"] = "display" in roles
        attrs["required"] = required
        attrs["status"] = "operational"
        links["cluster"] = ref("clusters", CL[cluster]["id"])
    return Obj(attrs=attrs, links=links, name=nw["name"], description=nw["description"],
               comment="", href=href, id=nw["id"],
               rels=rels(href, NETWORK_RELS) if cluster is None else [])


# ---------------------------------------------------------------------------


def emit(base, plural, item, objs):
    write_json(os.path.join(HERE, "json", base + ".json"), item, objs)
    write_xml(os.path.join(HERE, "xml", base + ".xml"), plural, item, objs)


def main():
    os.makedirs(os.path.join(HERE, "json"), exist_ok=True)
    os.makedirs(os.path.join(HERE, "xml"), exist_ok=True)
    emit("datacenters", "data_centers", "data_center", [build_datacenter()])
    emit("clusters", "clusters", "cluster", [build_cluster(c) for c in CLUSTERS])
    emit("hosts", "hosts", "host", [build_host(H[h[0]]) for h in HOSTS])
    for h in HOSTS:
        if H[h[0]]["cluster"] == "prod":
            emit("fenceagents-" + h[0], "agents", "agent", [build_fence_agent(H[h[0]])])
    emit("vms", "vms", "vm", [build_vm(v) for v in VMS])
    emit("disks", "disks", "disk", [build_disk(d) for d in DISKS])
    emit("storagedomains", "storage_domains", "storage_domain",
         [build_storage_domain(sd, False) for sd in STORAGE_DOMAINS])
    emit("datacenter-storagedomains", "storage_domains", "storage_domain",
         [build_storage_domain(sd, True) for sd in STORAGE_DOMAINS])
    emit("networks", "networks", "network", [build_network(nw) for nw in NETWORKS])
    for cname, rows in CLUSTER_NETWORKS.items():
        emit("cluster-networks-" + cname, "networks", "network",
             [build_network(NW[n], cname, req, roles) for n, req, roles in rows])


if __name__ == "__main__":
    main()
