"""`mccredit.__all__` is the curated, sorted public surface."""

import importlib
import pkgutil
import subprocess
import sys
from types import ModuleType

import mccredit


def _public_names(module: ModuleType) -> list[str]:
    return sorted(
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)
    )


def test_all_is_sorted() -> None:
    assert mccredit.__all__ == sorted(mccredit.__all__)


def test_every_public_attribute_is_exported() -> None:
    assert set(_public_names(mccredit)) <= set(mccredit.__all__)


def test_all_equals_the_public_names_of_a_fresh_import() -> None:
    """The names load on first use (`import mccredit` is light: the command line catches a
    Ctrl-C while the engine loads): a fresh import binds none beyond `__all__`, and once
    each is used they are exactly `__all__`."""
    names = (
        "' '.join(sorted(n for n, v in vars(mccredit).items() "
        "if not n.startswith('_') and not isinstance(v, types.ModuleType)))"
    )
    code = (
        f"import mccredit, types; print({names}); "
        f"[getattr(mccredit, n) for n in mccredit.__all__]; print({names})"
    )
    fresh, used = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert fresh == ""
    assert mccredit.__all__ == used.split()


def test_every_exported_name_resolves_to_its_object() -> None:
    for name in mccredit.__all__:
        assert getattr(mccredit, name) is not None
        assert name in dir(mccredit)


def test_no_subpackage_shadows_a_public_name() -> None:
    # importing a subpackage binds it as an attribute of mccredit: it must not replace an
    # exported function (mccredit.explain once became the module mccredit.explain)
    for info in pkgutil.iter_modules(mccredit.__path__):
        assert info.name not in mccredit.__all__, info.name
        try:
            importlib.import_module(f"mccredit.{info.name}")
        except ModuleNotFoundError as e:  # an optional extra that is not installed
            if e.name is None or e.name.startswith("mccredit"):
                raise
    for name in mccredit.__all__:
        assert not isinstance(getattr(mccredit, name), ModuleType), name
    assert callable(mccredit.explain)
