"""Prints what the demo federation offers: each node's URLs, the staff accounts, and a complaint
a citizen can track.

    python3 summary.py DEMO_DIR
"""

import json
import os
import sys

from seed import load_nodes


def main():
    demo_dir = sys.argv[1]
    nodes = load_nodes(demo_dir)
    with open(os.path.join(demo_dir, "seed.json")) as f:
        cases = json.load(f)["cases"]
    with open(os.path.join(demo_dir, "credentials.txt")) as f:
        accounts = [line.rstrip("\n").split("\t") for line in f if not line.startswith("#")]
    print("\nSimpul demo federation (loopback, mutual TLS between nodes)\n")
    print(f"{'node':<12} {'name':<50} {'portal / staff console':<40}")
    for n in nodes:
        base = f"http://127.0.0.1:{n['port']}"
        print(f"{n['id']:<12} {n['name']:<50} {base + '/'}  {base + '/staff/'}")
        if n["id"] == "coord:panrb":
            print(f"{'':<12} {'national dashboard':<50} {base + '/dashboard/'}")
    print("\nStaff accounts (also in " + os.path.join(demo_dir, "credentials.txt") + ", mode 0600):")
    print(f"  {'node':<12} {'username':<22} {'role':<13} password")
    for node_id, _url, username, role, password in accounts:
        print(f"  {node_id:<12} {username:<22} {role:<13} {password}")
    answered = next(c for c in cases if c.get("scenario") == "answered_elsewhere")
    local = next(c for c in cases if c["origin"] == "kab:32.04" and
                 c["expect"]["kab:32.04"] == "reopened")
    port = {n["id"]: n["port"] for n in nodes}
    print("\nTry as a citizen (Lacak pengaduan / track a complaint on the portal):")
    for case, note in ((answered, "filed at the ministry, answered by Kab. Bandung"),
                       (local, "resolved, then the citizen replied")):
        print(f"  http://127.0.0.1:{port[case['origin']]}/  tracking id {case['tracking_id']}  "
              f"access code {case['access_code']}  ({note})")
    print(f"\n{len(cases)} complaints seeded. Node logs: {demo_dir}/*/simpuld.log")


if __name__ == "__main__":
    main()
