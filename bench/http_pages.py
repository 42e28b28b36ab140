"""A JSON API for bench/sources: GET /orders?cursor=N&limit=M answers {"data": [records N..N+M),
"next": N+M or null} from a JSON Lines file held in memory (one record per line).

    python3 bench/http_pages.py FILE PORT
"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

path, port = sys.argv[1], int(sys.argv[2])
with open(path, "rb") as f:
    LINES = [line.rstrip(b"\n") for line in f if line.strip()]


class Pages(BaseHTTPRequestHandler):
    def do_GET(self):
        q = parse_qs(urlparse(self.path).query)
        start = int(q.get("cursor", ["0"])[0])
        limit = int(q.get("limit", ["10000"])[0])
        end = min(len(LINES), start + limit)
        nxt = str(end).encode() if end < len(LINES) else b"null"
        body = b'{"data": [' + b",".join(LINES[start:end]) + b'], "next": ' + nxt + b"}"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Pages).serve_forever()
