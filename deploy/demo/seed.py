"""Seeds the running demo federation over its real HTTP API and records what it intended.

    python3 seed.py DEMO_DIR      # DEMO_DIR/nodes.json lists each node's id, port and admin

Creates work units and staff accounts at each node (credentials.txt, mode 0600), files the
complaints of complaints.py as citizens, walks each through its lifecycle as staff, forwards
cases between nodes (one answered at the regency and seen at the ministry, one declined by the
province and re-routed) and writes DEMO_DIR/seed.json: the expected state of every case at every
node that holds it, for check.py. Exits 1 with the failing request on any error.
"""

import json
import os
import secrets
import sys

from api import ApiError, Node, eventually
from complaints import complaint

UNITS = {
    "kab:32.04": [("dpupr", "Dinas Pekerjaan Umum dan Penataan Ruang"),
                  ("dinkes", "Dinas Kesehatan"), ("disdik", "Dinas Pendidikan"),
                  ("disdukcapil", "Dinas Kependudukan dan Pencatatan Sipil"),
                  ("dlh", "Dinas Lingkungan Hidup")],
    "prov:32": [("dishub", "Dinas Perhubungan"), ("dinsos", "Dinas Sosial"),
                ("disnakertrans", "Dinas Tenaga Kerja dan Transmigrasi")],
    "kl:pupr": [("bina_marga", "Direktorat Jenderal Bina Marga"),
                ("cipta_karya", "Direktorat Jenderal Cipta Karya")],
    "coord:panrb": [],
}

# Local lifecycles: (node, complaint key, steps). A step is (action, fields) for staff or
# ("citizen_reply", message). The expected final state follows from the steps.
VERIFY = ("verify", {})
RESPOND = ("respond", {"message": "Laporan sudah kami terima dan tim sudah meninjau lokasi."})
RESOLVE = ("resolve", {"message": "Perbaikan selesai dilaksanakan. Terima kasih atas laporannya."})
CLOSE = ("close", {})


def dispose(unit):
    return ("dispose", {"unit": unit})


def handled(unit):
    return [VERIFY, dispose(unit), RESPOND]


ASK = ("request_info", {"message": "Mohon lengkapi alamat dan foto lokasi."})
LOCAL = [
    ("kab:32.04", "jalan_soreang", []),
    ("kab:32.04", "pju_baleendah", []),
    ("kab:32.04", "pkl_trotoar", []),
    ("kab:32.04", "drainase_dayeuhkolot", [VERIFY]),
    ("kab:32.04", "bansos_salah", [VERIFY]),
    ("kab:32.04", "akta_lahir", [ASK]),
    ("kab:32.04", "izin_usaha", [ASK]),
    ("kab:32.04", "iklan_promo", [("archive", {"archive_reason": "not_public_service",
                                                "reason": "Pesan iklan, bukan pengaduan."})]),
    ("kab:32.04", "surat_kosong", [("archive", {"archive_reason": "incomplete",
                                                "reason": "Isi laporan tidak dapat ditindaklanjuti."})]),
    ("kab:32.04", "ktp_el", [VERIFY, dispose("disdukcapil")]),
    ("kab:32.04", "limbah_citarum", [VERIFY, dispose("dlh")]),
    ("kab:32.04", "pungli_parkir", [VERIFY, dispose("dpupr"),
                                    ("escalate", {"reason": "Dugaan pungli, perlu perhatian pimpinan."})]),
    ("kab:32.04", "puskesmas_ciparay", handled("dinkes")),
    ("kab:32.04", "ppdb_zonasi", handled("disdik")),
    ("kab:32.04", "obat_rsud", handled("dinkes") + [RESOLVE]),
    ("kab:32.04", "sampah_tpu", handled("dlh") + [RESOLVE]),
    ("kab:32.04", "jembatan_gantung", handled("dpupr") + [RESOLVE, CLOSE]),
    ("kab:32.04", "air_pdam", handled("dpupr") + [RESOLVE, CLOSE]),
    ("kab:32.04", "pungutan_sd", handled("disdik") + [RESOLVE, (
        "citizen_reply", "Pungutan masih diminta oleh wali kelas, mohon ditindak.")]),
    ("prov:32", "angkot_bogor", []),
    ("prov:32", "karhutla", []),
    ("prov:32", "sertifikat", [VERIFY]),
    ("prov:32", "rs_provinsi", [ASK]),
    ("prov:32", "phk_sepihak", [("archive", {
        "archive_reason": "out_of_scope",
        "reason": "Perselisihan PHK ditangani pengadilan hubungan industrial."})]),
    ("prov:32", "upah_minimum", [VERIFY, dispose("disnakertrans")]),
    ("prov:32", "samsat", handled("dishub")),
    ("prov:32", "pkh_cair", handled("dinsos") + [RESOLVE]),
    ("prov:32", "sma_sarana", handled("dinsos") + [RESOLVE, CLOSE]),
    ("kl:pupr", "tol_cipularang", []),
    ("kl:pupr", "rusun", [VERIFY]),
    ("kl:pupr", "bendungan", [VERIFY, dispose("bina_marga")]),
    ("kl:pupr", "drainase_nasional", handled("bina_marga")),
    ("kl:pupr", "jembatan_nasional", handled("bina_marga") + [RESOLVE, CLOSE]),
]

STATE_AFTER = {"verify": "verified", "request_info": "pending_info", "archive": "archived",
               "dispose": "dispositioned", "respond": "in_progress", "resolve": "resolved",
               "close": "closed", "citizen_reply": "reopened"}


class Seeder:
    """Drives the demo's nodes and records every case's expected state per node."""

    def __init__(self, demo_dir, nodes):
        self.demo_dir = demo_dir
        self.nodes = nodes          # node id -> Node signed in as its admin
        self.cases = []             # {"key", "origin", "tracking_id", "access_code", "expect"}
        self.credentials = []       # (node id, url, username, role, password)

    def add_staff(self, node_id, entry):
        node = self.nodes[node_id]
        self.credentials.append((node_id, node.base, "admin", "node_admin", entry["admin_password"]))
        for code, name in UNITS[node_id]:
            node.post("/api/v1/units", {"code": code, "name": name})
        accounts = [("verifikator", "verifier", None), ("supervisor", "supervisor", None),
                    ("auditor", "auditor", None)]
        if UNITS[node_id]:
            unit = UNITS[node_id][0][0]
            accounts.append((f"petugas.{unit}", "unit_officer", unit))
        for username, role, unit in accounts:
            password = secrets.token_urlsafe(12)
            user = {"username": username, "password": password, "role": role}
            if unit:
                user["unit"] = unit
            node.post("/api/v1/users", user)
            self.credentials.append((node_id, node.base, username, role, password))

    def file(self, node_id, key):
        receipt = self.nodes[node_id].submit(complaint(key, len(self.cases)))
        record = {"key": key, "origin": node_id, "tracking_id": receipt["tracking_id"],
                  "access_code": receipt["access_code"], "expect": {node_id: "submitted"}}
        self.cases.append(record)
        return record

    def run_steps(self, record, node_id, steps):
        node = self.nodes[node_id]
        for action, fields in steps:
            if action == "citizen_reply":
                node.reply(record["tracking_id"], record["access_code"], fields)
            else:
                node.act(record["tracking_id"], action, **fields)
            record["expect"][node_id] = STATE_AFTER.get(action, record["expect"][node_id])

    def forward(self, record, source, target):
        self.nodes[source].act(record["tracking_id"], "forward", target_node=target)
        record["expect"][source] = "forwarded"
        eventually(lambda: self.nodes[target].has_case(record["tracking_id"]),
                   f"{record['tracking_id']} to reach {target}")
        record["expect"][target] = "submitted"

    def seed_local(self):
        for node_id, key, steps in LOCAL:
            self.run_steps(self.file(node_id, key), node_id, steps)
            print(".", end="", flush=True)
        print()

    def seed_federated(self):
        # Filed at the ministry, handled and answered at the regency; the origin sees the answer.
        answered = self.file("kl:pupr", "jalan_nasional_bdg")
        answered["scenario"] = "answered_elsewhere"
        self.run_steps(answered, "kl:pupr", [VERIFY])
        self.forward(answered, "kl:pupr", "kab:32.04")
        self.run_steps(answered, "kab:32.04", handled("dpupr") + [RESOLVE])
        answered["handler"] = "kab:32.04"
        # Sent to the province, declined (bukan wewenang), re-routed to the regency.
        declined = self.file("kl:pupr", "pju_bandung")
        declined["scenario"] = "declined_and_rerouted"
        self.run_steps(declined, "kl:pupr", [VERIFY])
        self.forward(declined, "kl:pupr", "prov:32")
        self.nodes["prov:32"].act(declined["tracking_id"], "decline",
                                  reason="Jalan kabupaten, bukan wewenang provinsi.",
                                  target_node="kab:32.04")
        declined["expect"]["prov:32"] = "archived"
        eventually(lambda: self.nodes["kl:pupr"].case(declined["tracking_id"])["state"]
                   == "verified", f"{declined['tracking_id']} to come back to kl:pupr")
        self.forward(declined, "kl:pupr", "kab:32.04")
        self.run_steps(declined, "kab:32.04", [VERIFY])
        # Filed at the province about a regency road; the regency takes it on.
        routed = self.file("prov:32", "jalan_kabupaten")
        routed["scenario"] = "province_to_regency"
        self.run_steps(routed, "prov:32", [VERIFY])
        self.forward(routed, "prov:32", "kab:32.04")
        self.run_steps(routed, "kab:32.04", [VERIFY, dispose("dpupr")])

    def write(self):
        with open(os.path.join(self.demo_dir, "seed.json"), "w") as out:
            json.dump({"cases": self.cases}, out, indent=1)
        path = os.path.join(self.demo_dir, "credentials.txt")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write("# node\turl\tusername\trole\tpassword\n")
            for row in self.credentials:
                out.write("\t".join(row) + "\n")
        os.chmod(path, 0o600)


def load_nodes(demo_dir):
    """nodes.json's entries, each with the node's admin password from its init.json."""
    with open(os.path.join(demo_dir, "nodes.json")) as f:
        nodes = json.load(f)
    for entry in nodes:
        with open(os.path.join(demo_dir, entry["dir"], "init.json")) as f:
            entry["admin_password"] = json.load(f)["admin_password"]
    return nodes


def main():
    demo_dir = sys.argv[1]
    entries = load_nodes(demo_dir)
    nodes = {e["id"]: Node(e["id"], e["port"], "admin", e["admin_password"]) for e in entries}
    for node_id, node in nodes.items():
        if node_id != "coord:panrb":
            eventually(node.directory_current, f"{node_id} to receive the signed directory")
    seeder = Seeder(demo_dir, nodes)
    for entry in entries:
        seeder.add_staff(entry["id"], entry)
    print(f"[demo] filing and handling {len(LOCAL) + 3} complaints ", end="", flush=True)
    seeder.seed_local()
    print("[demo] forwarding cases between nodes")
    seeder.seed_federated()
    seeder.write()


if __name__ == "__main__":
    try:
        main()
    except ApiError as err:
        sys.exit(f"[demo] seeding failed: {err}\n[demo] see the node logs under "
                 f"{sys.argv[1]}/*/simpuld.log; deploy/demo.sh --fresh starts over")
