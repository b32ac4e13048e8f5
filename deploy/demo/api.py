"""A small JSON-over-HTTP client for one Simpul node, used by the demo's seeding and checks.

Every call raises ApiError (with the node, the request and the node's error body) when the
answer's status is not the expected one, so a failed step names what went wrong.
"""

import json
import time
import urllib.error
import urllib.request


class ApiError(Exception):
    """A request answered with an unexpected status (or not at all)."""


class Node:
    """One node's public and staff API at http://127.0.0.1:<port>, signed in as `username`."""

    def __init__(self, node_id, port, username=None, password=None):
        self.node_id = node_id
        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        self.token = None
        if username:
            self.token = self.post("/api/v1/auth/login",
                                   {"username": username, "password": password})["token"]

    def request(self, method, path, body=None, expect=(200, 201), auth=True):
        """Sends `body` as JSON; returns the parsed answer. Raises ApiError on another status."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if auth and self.token:
            req.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(req, timeout=15) as resp:
                status, text = resp.status, resp.read().decode()
        except urllib.error.HTTPError as err:
            status, text = err.code, err.read().decode()
        except OSError as err:
            raise ApiError(f"{self.node_id}: {method} {path}: {err} (is the node running?)")
        if status not in expect:
            raise ApiError(f"{self.node_id}: {method} {path} answered {status}: {text}")
        return json.loads(text) if text else {}

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, body):
        return self.request("POST", path, body)

    def submit(self, complaint):
        """Files `complaint` as a citizen; returns the receipt (tracking_id, access_code, ...)."""
        return self.request("POST", "/api/v1/complaints", complaint, expect=(201,), auth=False)

    def act(self, tracking_id, action, **fields):
        """Runs staff action `action` on the case; returns the case's new view."""
        return self.post(f"/api/v1/cases/{tracking_id}/{action}", fields)

    def case(self, tracking_id):
        return self.get(f"/api/v1/cases/{tracking_id}")

    def has_case(self, tracking_id):
        return "tracking_id" in self.request("GET", f"/api/v1/cases/{tracking_id}",
                                             expect=(200, 404))

    def track(self, tracking_id, access_code):
        return self.request("POST", f"/api/v1/complaints/{tracking_id}/track",
                            {"access_code": access_code}, auth=False)

    def reply(self, tracking_id, access_code, message):
        return self.request("POST", f"/api/v1/complaints/{tracking_id}/replies",
                            {"access_code": access_code, "message": message}, auth=False)

    def directory_current(self):
        """Whether this member node holds a current (unexpired) signed directory."""
        directory = self.get("/api/v1/federation/peers").get("directory")
        return isinstance(directory, dict) and not directory.get("expired", True)

    def count(self, state):
        """The number of cases in `state` in this node's queue."""
        return self.get(f"/api/v1/cases?state={state}&limit=1")["total"]


def eventually(probe, what, timeout=30.0):
    """Polls `probe` every 100 ms until it returns a truthy value, which it returns. Raises
    ApiError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            value = probe()
            if value:
                return value
        except ApiError as err:
            last = err
        time.sleep(0.1)
    raise ApiError(f"timed out after {timeout:.0f} s waiting for {what}"
                   + (f" (last error: {last})" if last else ""))
