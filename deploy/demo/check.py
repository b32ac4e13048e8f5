"""Checks over the API that the running demo federation holds what seed.py intended.

    python3 check.py DEMO_DIR

Compares, at every node, the number of cases in each state with seed.json, and each case's
state; checks that the case answered at the regency shows the answer at the ministry (to staff,
and to the citizen tracking there), that the declined case is archived at the province and
handled at the regency, and that the coordinator's monitoring lists every member with its cases.
Prints each failed check and exits 1 if any failed.
"""

import collections
import json
import os
import sys

from api import ApiError, Node, eventually
from seed import RESOLVE, load_nodes

STATES = ["submitted", "pending_info", "verified", "dispositioned", "forwarded", "in_progress",
          "resolved", "reopened", "closed", "archived"]


class Checker:
    def __init__(self, nodes, cases):
        self.nodes = nodes
        self.cases = cases
        self.failures = []
        self.passed = 0

    def expect(self, ok, what):
        if ok:
            self.passed += 1
        else:
            self.failures.append(what)

    def per_state_counts(self):
        for node_id, node in self.nodes.items():
            want = collections.Counter(c["expect"][node_id] for c in self.cases
                                       if node_id in c["expect"])
            for state in STATES:
                got = node.count(state)
                self.expect(got == want[state],
                            f"{node_id}: {got} cases {state}, seeded {want[state]}")

    def case_states(self):
        for case in self.cases:
            for node_id, state in case["expect"].items():
                got = self.nodes[node_id].case(case["tracking_id"])["state"]
                self.expect(got == state, f"{node_id}: {case['tracking_id']} ({case['key']}) is "
                                          f"{got}, seeded {state}")

    def answered_elsewhere(self):
        case = next(c for c in self.cases if c.get("scenario") == "answered_elsewhere")
        origin = self.nodes[case["origin"]]
        answer = RESOLVE[1]["message"]
        try:
            eventually(lambda: (origin.case(case["tracking_id"]).get("federation") or {})
                       .get("handler_state") == "resolved", "the handler's state at the origin")
            tracked = eventually(lambda: (lambda t: t if answer in json.dumps(t) else None)(
                origin.track(case["tracking_id"], case["access_code"])), "the answer at the origin")
            self.expect(tracked.get("handled_by") == case["handler"],
                        f"tracking {case['tracking_id']} at {case['origin']}: handled_by "
                        f"{tracked.get('handled_by')}, want {case['handler']}")
        except ApiError as err:
            self.expect(False, f"answered case {case['tracking_id']}: {err}")

    def monitoring(self):
        coordinator = self.nodes["coord:panrb"]
        held = collections.Counter(n for c in self.cases for n in c["expect"])

        def caught_up():
            rows = {r["node_id"]: r for r in coordinator.get("/api/v1/monitor/nodes")["nodes"]}
            return all(rows.get(n, {}).get("cases") == held[n] and
                       rows[n].get("meta_pending") == 0 for n in held)
        try:
            eventually(caught_up, "the coordinator's monitoring to list every member's cases",
                       timeout=40)
            self.passed += 1
        except ApiError as err:
            self.expect(False, f"{err}; monitor rows: "
                               f"{coordinator.get('/api/v1/monitor/nodes')['nodes']}")


def main():
    demo_dir = sys.argv[1]
    with open(os.path.join(demo_dir, "seed.json")) as f:
        cases = json.load(f)["cases"]
    nodes = {e["id"]: Node(e["id"], e["port"], "admin", e["admin_password"])
             for e in load_nodes(demo_dir)}
    checker = Checker(nodes, cases)
    checker.per_state_counts()
    checker.case_states()
    checker.answered_elsewhere()
    checker.monitoring()
    for failure in checker.failures:
        print(f"[demo] check failed: {failure}")
    print(f"[demo] {checker.passed} checks passed, {len(checker.failures)} failed "
          f"({len(cases)} complaints across {len(nodes)} nodes)")
    sys.exit(1 if checker.failures else 0)


if __name__ == "__main__":
    try:
        main()
    except ApiError as err:
        sys.exit(f"[demo] check could not run: {err}")
