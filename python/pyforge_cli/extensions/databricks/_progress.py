"""Progress display: an updating IPython display in a notebook kernel, a ``\\r``-updated
line on stderr elsewhere. Never writes to stdout."""
import html
import sys
import threading
import time
from typing import Any, Dict, Optional


def _in_notebook() -> bool:
    ipython_module = sys.modules.get("IPython")
    if ipython_module is None:
        return False
    try:
        shell = ipython_module.get_ipython()  # type: ignore[attr-defined]
    except Exception:
        return False
    return shell is not None and getattr(shell, "kernel", None) is not None


def _megabytes(count: Any) -> str:
    try:
        return "%.1f MB" % (float(count) / 1e6)
    except (TypeError, ValueError):
        return "?"


class Progress(object):
    """One progress display. ``update`` receives ``$/progress`` params; ``finish`` prints
    the final state. Thread-safe."""

    def __init__(self, label: str, stream: Any = None) -> None:
        self.label = label
        self._lock = threading.Lock()
        self._handle = None
        self._notebook = _in_notebook()
        self._stream = stream
        self._started = time.time()
        self._width = 0

    def _text(self, done: Any, total: Any, message: Optional[str]) -> str:
        try:
            percent = " %3d%%" % int(100.0 * float(done) / float(total)) if total else ""
        except (TypeError, ValueError, ZeroDivisionError):
            percent = ""
        text = "pyforge: %s%s (%s of %s)" % (self.label, percent, _megabytes(done), _megabytes(total))
        if message:
            text += " - " + str(message)
        return text

    def _show(self, text: str, final: bool = False) -> None:
        with self._lock:
            if self._notebook:
                try:
                    from IPython.display import HTML, display  # type: ignore
                    body = HTML("<pre style='margin:0'>%s</pre>" % html.escape(text))
                    if self._handle is None:
                        self._handle = display(body, display_id=True)
                    else:
                        self._handle.update(body)
                    return
                except Exception:
                    self._notebook = False
            stream = self._stream if self._stream is not None else sys.stderr
            if stream is None:
                return
            padding = " " * max(0, self._width - len(text))
            self._width = len(text)
            try:
                stream.write("\r" + text + padding + ("\n" if final else ""))
                stream.flush()
            except Exception:
                pass

    def update(self, params: Dict[str, Any]) -> None:
        self._show(self._text(params.get("done"), params.get("total"), params.get("message")))

    def finish(self, text: str) -> None:
        self._show("pyforge: " + text, final=True)
