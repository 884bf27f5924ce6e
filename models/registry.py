"""One way to register and find every kind of part: model families, tasks, metrics, figures.

A part registers itself under a name, in its own module, with the registry's decorator
(like nengo's ``Builder.register``)::

    from attnsim.models.registry import FAMILIES

    @FAMILIES.register("rate_competition")
    class WongWang(BrainModel): ...

Adding a part is therefore one file: the registry imports every module of its bundled
packages the first time a name is looked up (not at ``import attnsim``, so that validating a
scenario never pays for parts it does not use).

A name is resolved, in this order:

1. a bundled part (registered by a module of the registry's packages);
2. an installed entry point of the registry's group (``attnsim.families``, ``attnsim.tasks``,
   ``attnsim.metrics``, ``attnsim.figures``), declared by another distribution as
   ``[project.entry-points."attnsim.families"] my_net = "mypkg.nets:MyNet"``;
3. ``package.module:attr``: the object ``attr`` of an importable module. When the module is
   not importable from ``sys.path``, the extra ``search_path`` folders (the scenario file's
   folder, then the working directory) are tried, so a ``my_models.py`` beside the scenario
   works without installing it.

Metadata lives on the part itself (class attributes such as ``capabilities`` and ``paper``,
the docstring's first line as summary) or is given to ``register(name, **meta)``. A registry
may check what it returns (``check``: the model protocol for families); a part that cannot be
imported or breaks the protocol raises :class:`PluginError`, whose message names it.
"""
from __future__ import annotations

import importlib
import importlib.metadata
import inspect
import pkgutil
import sys
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from attnsim.models.errors import PluginError  # noqa: F401  (re-exported: callers import it from here)




@dataclass(frozen=True)
class Entry:
    """A registered part: `name` as a scenario writes it, the object, where it came from, metadata."""

    name: str
    obj: Any
    origin: str                      # "bundled", "entry point (dist)", or "module:attr"
    meta: dict = field(default_factory=dict)

    @property
    def summary(self) -> str:
        """meta["summary"], else the object's `summary` attribute, else its docstring's first line."""
        text = self.meta.get("summary") or getattr(self.obj, "summary", None)
        if not isinstance(text, str) or not text:
            doc = inspect.getdoc(self.obj) or ""
            text = doc.strip().splitlines()[0] if doc.strip() else ""
        return text


def is_reference(name: str) -> bool:
    """True for an outside part written as 'package.module:attr'."""
    return ":" in name


class Registry:
    """Parts of one kind by name (see the module docstring for the lookup order).

    kind: "family", "task", "metric" or "figure" (used in messages).
    group: the entry-point group of outside parts, e.g. "attnsim.families".
    packages: dotted names of the packages whose modules hold the bundled parts.
    check: `check(obj, label)` raises PluginError when `obj` is not a valid part.
    """

    def __init__(self, kind: str, group: str, packages: tuple[str, ...],
                 check: Callable[[Any, str], None] | None = None):
        self.kind = kind
        self.group = group
        self.packages = packages
        self.check = check
        self._bundled: dict[str, Entry] = {}
        self._resolved: dict[str, Entry] = {}
        self._scanned = False
        self._lock = threading.RLock()

    # -- registering ------------------------------------------------------------------------
    def register(self, name: str | None = None, **meta):
        """Decorator: register the decorated class or function under `name` (default: its __name__)."""
        def deco(obj):
            key = name or obj.__name__
            old = self._bundled.get(key)
            if old is not None and _qualname(old.obj) != _qualname(obj):
                raise ValueError(f"{self.kind} {key!r} is registered twice: {_qualname(old.obj)} and {_qualname(obj)}")
            self._bundled[key] = Entry(key, obj, "bundled", dict(meta))
            if isinstance(obj, type) and getattr(obj, "registry_name", None) in (None, key):
                obj.registry_name = key
            return obj
        return deco

    # -- finding ----------------------------------------------------------------------------
    def _scan(self) -> None:
        with self._lock:
            if self._scanned:
                return
            for pkg_name in self.packages:
                pkg = importlib.import_module(pkg_name)
                for info in pkgutil.walk_packages(getattr(pkg, "__path__", []), pkg_name + "."):
                    importlib.import_module(info.name)
            self._scanned = True

    def _entry_points(self) -> dict[str, importlib.metadata.EntryPoint]:
        try:
            eps = importlib.metadata.entry_points(group=self.group)
        except Exception:   # a broken installed distribution must not break bundled parts
            return {}
        return {ep.name: ep for ep in eps}

    def bundled(self) -> dict[str, Entry]:
        """The bundled parts, name -> Entry, in registration order."""
        self._scan()
        return dict(self._bundled)

    def names(self) -> list[str]:
        """Bundled names, then installed entry-point names (outside 'module:attr' parts are not listed)."""
        return list(self.bundled()) + [n for n in self._entry_points() if n not in self._bundled]

    def __contains__(self, name: str) -> bool:
        try:
            self.get(name)
        except PluginError:
            return False
        return True

    def get(self, name: str, search_path: tuple[str, ...] | list[str] = ()) -> Entry:
        """The entry for `name`, or PluginError naming it and the valid choices."""
        if not isinstance(name, str) or not name:
            raise PluginError(f"{self.kind} name must be a non-empty string (got {name!r})", tuple(self.names()))
        bundled = self.bundled()
        if name in bundled:
            return bundled[name]
        with self._lock:
            if name in self._resolved:
                return self._resolved[name]
        if is_reference(name):
            entry = Entry(name, _import_reference(name, self.kind, tuple(search_path)), name)
        else:
            ep = self._entry_points().get(name)
            if ep is None:
                raise PluginError(f"unknown {self.kind} {name!r}; valid {self.kind} names: "
                                  f"{', '.join(self.names())} (or an outside one as package.module:Name)",
                                  tuple(self.names()))
            try:
                obj = ep.load()
            except BaseException as e:  # noqa: BLE001 (a plugin may raise anything while importing)
                if isinstance(e, KeyboardInterrupt):
                    raise
                raise PluginError(f"{self.kind} {name!r} (entry point {ep.value} of group {self.group}) "
                                  f"failed to import: {type(e).__name__}: {e}") from None
            dist = getattr(getattr(ep, "dist", None), "name", None) or "installed"
            entry = Entry(name, obj, f"entry point ({dist})")
        if self.check is not None:
            self.check(entry.obj, f"{self.kind} {name!r}")
        with self._lock:
            self._resolved[name] = entry
        return entry


def _qualname(obj) -> str:
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', repr(obj))}"


def _import_reference(ref: str, kind: str, search_path: tuple[str, ...]):
    """The object named 'package.module:attr' (attr may be dotted), importing the module."""
    module_name, _, attr = ref.partition(":")
    if not module_name or not attr or ":" in attr:
        raise PluginError(f"{kind} {ref!r}: expected 'package.module:Name' (one colon, both sides non-empty)")
    try:
        module = _import_module(module_name, search_path)
    except PluginError:
        raise
    except BaseException as e:  # noqa: BLE001 (anything raised while importing user code)
        if isinstance(e, KeyboardInterrupt):
            raise
        raise PluginError(f"{kind} {ref!r}: importing module {module_name!r} failed: {type(e).__name__}: {e}") from None
    obj = module
    for part in attr.split("."):
        if not hasattr(obj, part):
            names = sorted(n for n in dir(module) if not n.startswith("_"))
            raise PluginError(f"{kind} {ref!r}: module {module_name!r} ({getattr(module, '__file__', '?')}) has no "
                              f"attribute {attr!r}; it defines: {', '.join(names) or 'nothing public'}")
        obj = getattr(obj, part)
    return obj


def _import_module(module_name: str, search_path: tuple[str, ...]):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        top = module_name.split(".")[0]
        if e.name is not None and e.name != top and not module_name.startswith(e.name):
            raise   # the module exists but itself imports something missing: report that
        for folder in search_path:
            if folder and folder not in sys.path:
                sys.path.append(folder)
                importlib.invalidate_caches()
                try:
                    return importlib.import_module(module_name)
                except ModuleNotFoundError as e2:
                    if e2.name is not None and not module_name.startswith(e2.name):
                        raise
        where = ", ".join(search_path) if search_path else "sys.path"
        raise PluginError(f"module {module_name!r} not found (searched sys.path and {where}); "
                          "install it or put it beside the scenario file") from None


def _check_family(obj, label: str) -> None:
    from attnsim.models.base import check_model_class
    check_model_class(obj, label)


FAMILIES = Registry("family", "attnsim.families", ("attnsim.models",), check=_check_family)


def load_family(name: str, search_path: tuple[str, ...] | list[str] = ()):
    """The model class of a family name or 'package.module:Class' (PluginError if unusable)."""
    return FAMILIES.get(name, search_path).obj
