"""A static file server like a web host's: ``python -m tests.static_server PORT DIR [NOT_FOUND_PAGE]``.

With ``NOT_FOUND_PAGE`` (a file), every missing path gets that page with status 404, as GitHub Pages, Netlify and
most hosts serve a site's ``404.html`` at any depth.
"""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Handler(SimpleHTTPRequestHandler):
    not_found: Path | None = None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code == 404 and self.not_found is not None:
            body = self.not_found.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    port, directory = int(sys.argv[1]), sys.argv[2]
    Handler.not_found = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Handler, directory=directory)).serve_forever()


if __name__ == "__main__":
    main()
