"""Names of a package that load on first use (PEP 562), so `mccredit --help` does not import
the heavy dependencies (SQLAlchemy, FastAPI, polars) behind them."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

__all__ = ["lazy_getattr"]


def lazy_getattr(package: str, where: dict[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `package.<where[name]>` when `name` is first read
    and keeps the value in the package's namespace."""

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module = import_module(package)
        value = getattr(import_module(f"{package}.{where[name]}"), name)
        setattr(module, name, value)
        return value

    return __getattr__
