import mccredit


def test_all_is_the_sorted_public_names() -> None:
    public = sorted(
        name
        for name in vars(mccredit)
        if not name.startswith("_") and not _is_module(getattr(mccredit, name))
    )
    assert mccredit.__all__ == sorted(mccredit.__all__)
    assert mccredit.__all__ == public


def test_every_exported_name_resolves() -> None:
    for name in mccredit.__all__:
        assert getattr(mccredit, name) is not None


def _is_module(obj: object) -> bool:
    return type(obj).__name__ == "module"
