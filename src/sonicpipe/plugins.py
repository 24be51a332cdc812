"""The plugin host: entry points, explicit registration, disabling and listing."""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import inspect
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import CodeType, ModuleType
from typing import Any

import pluggy

from sonicpipe import hookspecs
from sonicpipe.config import ConfigError, Settings

ENTRY_POINT_GROUP = hookspecs.PROJECT
DIST = "sonicpipe"  # the distribution of the built-in plugins
HOOKS = frozenset(name for name in vars(hookspecs) if name.startswith(f"{hookspecs.PROJECT}_"))
# The hooks that change their argument in place, and what they change.
IN_PLACE = {
    "sonicpipe_clean_text": "doc.text",
    "sonicpipe_normalize_text": "doc.text",
    "sonicpipe_refine_segment": "segment.text",
}
# The hooks that return an object (each plugin one, for the audio processors), what it is,
# and the methods it must have.
MAKERS = {
    "sonicpipe_sentence_stream": ("sentence stream", ("feed", "flush")),
    "sonicpipe_audio_writer": ("writer", ("write", "chapter", "close")),
    "sonicpipe_audio_processor": ("processor", ("open", "process", "flush")),
}


class PluginError(RuntimeError):
    """A plugin that cannot be found, imported or registered."""


class NotAPluginError(PluginError, TypeError):
    """A value given as a plugin that implements no hook (a string, a number...)."""


class InstalledPluginError(PluginError):
    """An installed plugin that cannot be loaded or registered; ``name`` is its entry point's,
    the name that disables it."""

    def __init__(self, message: str, name: str) -> None:
        super().__init__(message)
        self.name = name


@dataclass
class PluginInfo:
    """One registered plugin, as ``sonicpipe plugins`` shows it."""

    name: str
    version: str | None
    source: str  # "entry point (dist)", "config (module:object)" or "python"
    hooks: list[str] = field(default_factory=list)
    options: list[str] | None = None  # the keys of its options table, if it declares them


def installed_plugins() -> list[tuple[importlib.metadata.EntryPoint, str | None, str | None]]:
    """The entry points of the ``sonicpipe`` group, each with its distribution's name and
    version (None without one), in the order they are registered: the built-ins, then the
    others by name. Not in the order of the path, so that a plugin runs in the same place
    wherever it is installed (and where it would from settings: after the built-ins, so before
    them in call order)."""
    labels: dict[int, tuple[str | None, str | None]] = {}
    found = []
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = entry_point.dist
        if dist is not None and id(dist) not in labels:
            # Read once: dist.name and dist.version each parse all of it (ours holds the README).
            metadata = dist.metadata
            labels[id(dist)] = (metadata["Name"], metadata["Version"])
        found.append((entry_point, *labels.get(id(dist), (None, None))))
    return sorted(found, key=lambda item: (item[1] != DIST, item[0].name))


def load_object(reference: str) -> Any:
    """Import ``module:object`` (or a bare module) and return it."""
    module_name, _, attr = reference.partition(":")
    if not module_name.strip():
        raise PluginError(f"plugin {reference!r}: expected 'module:object' or a module's name")
    if module_name.endswith(".py") or "/" in module_name or "\\" in module_name:
        file = Path(module_name)
        named = file.stem + reference[len(module_name) :]  # and its ':object', if any
        raise PluginError(
            f"plugin {reference!r}: expected a module's name, not a file: {named!r}, with "
            f"its folder on the Python path (PYTHONPATH={file.parent})"
        )
    try:
        obj: Any = importlib.import_module(module_name)
    except Exception as exc:  # its own code may fail too (a SyntaxError, a RuntimeError...)
        cause = str(exc) if isinstance(exc, ImportError) else described(exc)
        top = module_name.partition(".")[0]
        if isinstance(exc, ModuleNotFoundError) and exc.name == top and _in_this_folder(top):
            cause += " (it is in the current folder, which is not on the Python path: PYTHONPATH=.)"
        raise PluginError(f"plugin {reference!r}: cannot import {module_name!r}: {cause}") from exc
    for part in filter(None, attr.split(".")):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise PluginError(f"plugin {reference!r}: {module_name} has no {attr!r}") from None
    return obj


def _in_this_folder(module: str) -> bool:
    """Whether the current folder holds ``module`` (``module.py`` or a package)."""
    return Path(f"{module}.py").is_file() or Path(module, "__init__.py").is_file()


def check_references(references: Iterable[str], origin: str) -> None:
    """Import and register ``references`` on a host of their own, so that a bad one is an
    error led by ``origin`` (a command line option), not by a settings file that the
    references are added to and that does not hold them."""
    host = PluginHost(entry_points=False)
    for reference in references:
        try:
            host.register_reference(reference)
        except PluginError as exc:
            exc.args = (f"{origin}: {exc}",)
            raise


def declared_name(plugin: object) -> str | None:
    """The name a plugin gives itself in a ``sonicpipe_name`` attribute, if any."""
    name = getattr(plugin, "sonicpipe_name", None)
    return name if isinstance(name, str) and name else None


def declared_options(plugin: object) -> frozenset[str] | None:
    """The keys a plugin declares for its options table in a ``sonicpipe_options`` attribute
    (empty: it takes no options), or None when it declares none."""
    keys = getattr(plugin, "sonicpipe_options", None)
    if keys is None:
        return None
    if (
        isinstance(keys, str)
        or not isinstance(keys, Collection)
        or not all(isinstance(key, str) for key in keys)
    ):
        one = f" (one key is ({keys!r},), with a comma)" if isinstance(keys, str) else ""
        raise PluginError(
            f"plugin {stable_name(plugin)!r}: sonicpipe_options must be a collection of key "
            f"names, got {keys!r}{one}"
        )
    return frozenset(keys)


def stable_name(plugin: object) -> str:
    """A plugin's readable name, the same in every process (pluggy's default is its id): the
    name it declares (``sonicpipe_name``), else a module's name, else ``module.Class`` of a
    class or of an object's class."""
    if declared := declared_name(plugin):
        return declared
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    kind = plugin if isinstance(plugin, type) else type(plugin)
    return f"{kind.__module__}.{kind.__qualname__}"


def home_module(plugin: object) -> str:
    """The name of a plugin's module: the module itself, or the one of its class."""
    return plugin.__name__ if isinstance(plugin, ModuleType) else type(plugin).__module__


def is_builtin(plugin: object) -> bool:
    """Whether a plugin is part of sonicpipe (its module, or its class's, is sonicpipe's)."""
    return home_module(plugin).partition(".")[0] == __package__


def described(exc: BaseException) -> str:
    """``KeyError: 'gain'``, or the type alone for an exception without a message."""
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def line_in(exc: BaseException, filename: str) -> str:
    """`` (plugin.py, line 12)``: the last line of ``filename`` that ``exc`` went through,
    where a plugin's own code raised it or called what did; empty if it went through none."""
    line, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return "" if line is None else f" ({Path(filename).name}, line {line})"


def _code_of(impl: pluggy.HookImpl) -> CodeType | None:
    """The code of a hook implementation (of a method's function)."""
    function = getattr(impl.function, "__func__", impl.function)
    return getattr(function, "__code__", None)


def raised_in(exc: BaseException, impls: Sequence[pluggy.HookImpl]) -> pluggy.HookImpl | None:
    """The hook implementation that ``exc`` came out of, from its traceback (None when it was
    raised before any ran)."""
    codes: dict[CodeType, pluggy.HookImpl] = {}
    for impl in impls:
        if code := _code_of(impl):
            codes[code] = impl
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code not in codes:
        tb = tb.tb_next
    return None if tb is None else codes[tb.tb_frame.f_code]


def _name_the_source(
    outcome: pluggy.Result[Any],
    hook: str,
    impls: Sequence[pluggy.HookImpl],
    kwargs: Mapping[str, Any],
) -> None:
    """Lead a hook's ConfigError by the file its settings come from; make any other exception
    out of a plugin not of sonicpipe's a PluginError naming the plugin and the hook, caused by
    it (hook-call monitor). The built-ins' errors are worded for the user as they are."""
    exc, settings = outcome.exception, kwargs.get("settings")
    if isinstance(exc, ConfigError):
        if isinstance(settings, Settings):
            exc.args = (settings.in_source(str(exc)),)
    elif isinstance(exc, Exception) and not isinstance(exc, PluginError):
        impl = raised_in(exc, impls)
        if impl is not None and not is_builtin(impl.plugin):
            name, code = impl.plugin_name, _code_of(impl)
            where = "" if code is None else line_in(exc, code.co_filename)
            error = PluginError(f"plugin {name!r} failed in {hook}: {described(exc)}{where}")
            error.__cause__ = exc
            outcome.force_exception(error)


class PluginHost:
    """A pluggy plugin manager with sonicpipe's hooks and plugins loaded.

    Loads the ``sonicpipe`` entry-point group (the built-ins first, then the others by name:
    :func:`installed_plugins`), then the ``module:object`` references in ``settings.plugins``,
    then ``extra`` objects passed in Python. Plugins named in ``settings.disable`` are blocked
    before anything is loaded. A name in ``disable`` or an ``[options.<name>]`` table that
    names no plugin is an error, and so is a key that a plugin does not declare
    (:meth:`check_options`).

    The hooks that make audio processors and sentence streams run once here, so that the
    values of their options are checked before any text or audio flows; the text and writer
    hooks check theirs when they run. A :class:`ConfigError` out of any hook names the
    settings file, if any; any other exception out of a plugin not of sonicpipe's becomes a
    :class:`PluginError` naming the plugin and the hook.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        extra: Iterable[object] = (),
        *,
        entry_points: bool = True,
    ) -> None:
        self.settings = settings or Settings()
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.pm.add_hookcall_monitoring(self._check_call, self._check_outcome)
        self._checked: Settings | None = None  # the settings whose options were checked last
        self._sources: dict[str, str] = {}
        self._versions: dict[str, str] = {}  # of installed plugins
        self._left_out: set[str] = set()  # registered by name but disabled
        for name in self.settings.disable:
            self.pm.set_blocked(name)
        if entry_points:
            for entry_point, dist, version in installed_plugins():
                self._register_installed(entry_point, dist, version)
        for reference in self.settings.plugins:
            try:
                self.register_reference(reference)
            except PluginError as exc:  # named by the settings file and its key
                exc.args = (self.settings.in_source(f"plugins: {exc}"),)
                raise
        for plugin in extra:
            self.register(plugin, source="python")
        self._check_names()
        self.check_options(self.settings)
        self.hook.sonicpipe_audio_processor(settings=self.settings)
        self.hook.sonicpipe_sentence_stream(language=self.settings.language, settings=self.settings)

    def known_names(self) -> set[str]:
        """The names settings may give: installed (disabled too), configured and registered."""
        installed = {e.name for e in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
        registered = {name for name, plugin in self.pm.list_name_plugin() if plugin is not None}
        return installed | set(self.settings.plugins) | registered | self._left_out

    def _check_names(self) -> None:
        """A name in ``disable`` or an ``[options.<name>]`` table that names no plugin is a
        typo that would do nothing. Only a table's error names the settings file: ``disable``
        may come from the command line too."""
        known = self.known_names()
        installed = f"installed: {', '.join(sorted(known))}"
        for name in self.settings.disable:
            if name not in known:
                raise PluginError(f"disable: no plugin named {name!r}; {installed}")
        for name in self.settings.options:
            if name not in known:
                message = f"options.{name}: no plugin named {name!r}; {installed}"
                raise PluginError(self.settings.in_source(message))

    def check_options(self, settings: Settings) -> None:
        """Every ``[options.<name>]`` table of a plugin that declares its keys
        (``sonicpipe_options``) holds only those keys; an unknown one is a typo that would do
        nothing, and an error naming the settings file. Tables of plugins that declare nothing
        are theirs to check."""
        for name, table in settings.options.items():
            plugin = self.pm.get_plugin(name)  # None when disabled
            valid = None if plugin is None else declared_options(plugin)
            if valid is None:
                continue
            unknown = sorted(set(table) - valid, key=str)
            if unknown:
                keys = ", ".join(sorted(valid))
                takes = f"valid: {keys}" if valid else f"{name} takes no options"
                message = f"options.{name}: unknown option {unknown[0]!r}; {takes}"
                raise ConfigError(settings.in_source(message))
        self._checked = settings

    def _check_call(self, hook: str, impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
        """Check the options of settings that a hook gets, if not checked last (hook-call
        monitor): settings other than the host's own reach plugins through here too."""
        settings = kwargs.get("settings")
        if isinstance(settings, Settings) and settings is not self._checked:
            self.check_options(settings)

    def _check_outcome(
        self,
        outcome: pluggy.Result[Any],
        hook: str,
        impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        """Name the source of a hook's error (:func:`_name_the_source`), and make a result
        the hook's spec does not allow a PluginError naming the plugin (hook-call monitor):
        a value returned by a hook that works in place (it would be dropped without a word),
        or an object without the methods its caller will call."""
        _name_the_source(outcome, hook, impls, kwargs)
        if outcome.exception is not None:
            return
        result = outcome.get_result()
        problem = None
        if hook in IN_PLACE and result:  # the results that are not None
            result = result[0]
            problem = f"; it changes {IN_PLACE[hook]} in place and returns None"
        elif hook in MAKERS and result is not None:
            kind, methods = MAKERS[hook]
            first = getattr(self.pm.hook, hook).spec.opts.get("firstresult")
            for made in [result] if first else result:
                if not all(callable(getattr(made, method, None)) for method in methods):
                    result = made
                    problem = f", not a {kind} (with {', '.join(methods[:-1])} and {methods[-1]})"
                    break
        if problem is not None:
            kind = type(result).__name__
            returned = f"{hook} returned {'an' if kind[0] in 'aeiouAEIOU' else 'a'} {kind}"
            error = PluginError(f"{self.made_by(result, hook)}: {returned}{problem}")
            outcome.force_exception(error)

    @property
    def hook(self) -> Any:
        """The hook caller, e.g. ``host.hook.sonicpipe_clean_text(doc=..., settings=...)``."""
        return self.pm.hook

    def register(self, plugin: object, name: str | None = None, source: str = "python") -> str:
        """Register a plugin module or object; return its name: ``name``, else its
        :func:`stable_name` (``#2``, ``#3``... for more objects of one class). A plugin whose
        name is in ``settings.disable`` is left out; one registered already stays as it is. A
        name a plugin declares (``sonicpipe_name``) that another plugin has is an error: the
        two would share an options table and ``disable``."""
        if self.pm.is_registered(plugin):  # e.g. an installed plugin referenced in settings
            return self.pm.get_name(plugin) or ""
        name = name or declared_name(plugin)
        if name is not None and self.pm.is_blocked(name):
            self._left_out.add(name)
            return name
        if (declared := declared_name(plugin)) is not None and self.pm.has_plugin(declared):
            raise PluginError(
                f"plugin {declared!r} ({home_module(plugin)}): the name is taken by another "
                f"plugin ({self._sources.get(declared, 'python')}), whose [options.{declared}] "
                "and disable it would share; give it another sonicpipe_name"
            )
        for attr in sorted(HOOKS & set(dir(plugin))):
            if self.pm.parse_hookimpl_opts(plugin, attr) is None:
                raise PluginError(
                    f"plugin {name or stable_name(plugin)!r}: {attr} is not marked @hookimpl, "
                    "so it would never be called (from sonicpipe import hookimpl)"
                )
        marked = [a for a in dir(plugin) if self.pm.parse_hookimpl_opts(plugin, a) is not None]
        prefix = f"{hookspecs.PROJECT}_"
        for attr in marked:
            if attr.startswith(prefix) and attr not in HOOKS:
                stems = [hook.removeprefix(prefix) for hook in HOOKS]  # the prefix matches all
                close = difflib.get_close_matches(attr.removeprefix(prefix), stems, 1)
                hint = (
                    f"did you mean {prefix + close[0]!r}?"
                    if close
                    else f"hooks: {', '.join(sorted(HOOKS))}"
                )
                raise PluginError(
                    f"plugin {name or stable_name(plugin)!r}: {attr} is no sonicpipe hook; {hint}"
                )
        if not marked:
            hint = " ('module:object' references go in Settings.plugins)" * isinstance(plugin, str)
            hint = hint or self._what_to_register(plugin)
            raise NotAPluginError(
                f"plugin {name or plugin!r}: implements no sonicpipe hook; a plugin is a module "
                f"or an object with functions marked @hookimpl{hint}"
            )
        if isinstance(plugin, type) and any(
            inspect.isfunction(inspect.getattr_static(plugin, attr)) for attr in marked
        ):
            raise NotAPluginError(
                f"plugin {name or stable_name(plugin)!r}: a class, whose hooks are called on an "
                f"instance; register one (e.g. plugin = {plugin.__name__}() in its module)"
            )
        for attr in marked:
            self._check_signature(plugin, name or stable_name(plugin), attr)
        declared_options(plugin)  # a malformed declaration is an error whatever the settings
        name = self._unused(name or stable_name(plugin))
        try:
            self.pm.register(plugin, name=name)
            self.pm.check_pending()
        except (ValueError, pluggy.PluginValidationError) as exc:
            if self.pm.is_registered(plugin):
                self.pm.unregister(plugin)
            problem = str(exc).replace("\n", "; ")  # pluggy's message has three lines
            raise PluginError(f"cannot register plugin {name!r}: {problem}") from exc
        self._sources[name] = source
        return name

    def _what_to_register(self, plugin: object) -> str:
        """For a value that implements no hook: the plugin it likely meant. A hook function
        is not a plugin but its module is; a module that defines classes with hooks holds
        plugins in their instances."""
        if inspect.isfunction(plugin) and plugin.__name__ in HOOKS:
            return (
                f"; {plugin.__name__} is a hook: register the module that holds it "
                f"({plugin.__module__!r})"
            )
        if not isinstance(plugin, ModuleType):
            return ""
        classes = [
            value.__name__
            for value in vars(plugin).values()
            if isinstance(value, type)
            and value.__module__ == plugin.__name__
            and any(self.pm.parse_hookimpl_opts(value, attr) for attr in dir(value))
        ]
        if not classes:
            return ""
        return (
            f"; its class {classes[0]} has hooks, which are called on an instance: register "
            f"one (e.g. plugin = {classes[0]}() in {plugin.__name__}, then "
            f"'{plugin.__name__}:plugin')"
        )

    def _check_signature(self, plugin: object, name: str, attr: str) -> None:
        """A hook implementation is a plain function whose arguments without a default are
        among the hook's (by name); else a PluginError naming the plugin, the hook and what
        the hook passes (pluggy's own message does not say the latter)."""
        function = getattr(plugin, attr)
        opts = self.pm.parse_hookimpl_opts(plugin, attr) or {}
        hook = opts.get("specname") or attr
        caller = getattr(self.pm.hook, hook, None)
        if caller is None or caller.spec is None:
            return  # a misspelled hook, named before this is called
        if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
            raise PluginError(
                f"plugin {name!r}: {attr} is async, but hooks are called without await (it "
                "would never run); make it a plain def"
            )
        try:
            parameters = inspect.signature(function).parameters.values()
        except (TypeError, ValueError):  # no signature to read: pluggy judges it
            return
        positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        passed = caller.spec.argnames
        stars = {inspect.Parameter.VAR_POSITIONAL: "*", inspect.Parameter.VAR_KEYWORD: "**"}
        collected = [f"{stars[p.kind]}{p.name}" for p in parameters if p.kind in stars]
        if collected and not any(p.kind in positional for p in parameters):
            raise PluginError(
                f"plugin {name!r}: {attr} takes only {collected[0]}, which gets nothing: a hook "
                f"gets the arguments it names ({', '.join(passed)})"
            )
        unknown = [
            p.name
            for p in parameters
            if p.kind in positional and p.default is p.empty and p.name not in passed
        ]
        if unknown:
            close = difflib.get_close_matches(unknown[0], passed, 1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise PluginError(
                f"plugin {name!r}: {attr} takes {', '.join(map(repr, unknown))}, which the hook "
                f"does not pass{hint}; it passes {', '.join(passed)}, by name: take any of them"
            )

    def _register_installed(
        self, entry_point: importlib.metadata.EntryPoint, dist: str | None, version: str | None
    ) -> None:
        """Load and register an installed plugin (of distribution ``dist`` at ``version``)
        under the name it declares, else its entry point's, unless either is disabled (the
        entry point's: then it is not imported) or its name is taken. One that cannot be loaded
        or registered is an error naming its entry point and how to leave it out, so that it
        need not stop every command."""
        name = entry_point.name
        if self.pm.has_plugin(name) or self.pm.is_blocked(name):
            return
        origin = f", from {dist} {version}" if dist else ""
        where = f"installed plugin {name!r} ({entry_point.value}{origin})"
        try:
            plugin = entry_point.load()
            source = f"entry point ({dist or '?'})"
            name = self.register(plugin, declared_name(plugin) or name, source)
        except Exception as exc:
            cause = str(exc) if isinstance(exc, PluginError) else described(exc)
            hint = f"leave it out with disable = [{name!r}] or --disable {name}"
            raise InstalledPluginError(f"{where}: {cause}; {hint}", name) from exc
        if version:
            self._versions[name] = version

    def register_reference(self, reference: str) -> str:
        """Import a ``module:object`` reference and register it (as settings' plugins are);
        return its name."""
        plugin = load_object(reference)
        name = declared_name(plugin) or reference
        return self.register(plugin, name=name, source=f"config ({reference})")

    def _unused(self, base: str) -> str:
        """``base``, or ``base#2``, ``base#3``... the first that names no plugin yet."""
        name, count = base, 1
        while self.pm.has_plugin(name) or self.pm.is_blocked(name):
            count += 1
            name = f"{base}#{count}"
        return name

    def unregister(self, name: str) -> None:
        """Remove a plugin by name (a no-op if it is not registered)."""
        if self.pm.has_plugin(name):
            self.pm.unregister(name=name)

    def hook_order(self) -> dict[str, list[str]]:
        """For each hook with implementations, the plugin names in call order."""
        order: dict[str, list[str]] = {}
        for hook_name in sorted(vars(self.pm.hook)):
            caller = getattr(self.pm.hook, hook_name)
            impls = caller.get_hookimpls()
            if impls and hook_name.startswith(hookspecs.PROJECT):
                order[hook_name] = [impl.plugin_name for impl in reversed(impls)]
        return order

    def made_by(self, value: object, hook: str) -> str:
        """Who returned ``value`` from ``hook``, to lead an error about it: ``plugin 'name'``
        for the plugin that is ``value`` or the one plugin of the hook whose module holds its
        class, else the hook's plugins that are not sonicpipe's (pluggy does not say which
        implementation returned what)."""
        impls = getattr(self.pm.hook, hook).get_hookimpls()[::-1]  # in call order
        module = type(value).__module__
        homes = [i for i in impls if i.plugin is value] or [
            i for i in impls if home_module(i.plugin) == module
        ]
        if len(homes) != 1:
            homes = [i for i in impls if not is_builtin(i.plugin)] or impls
        names = ", ".join(repr(impl.plugin_name) for impl in homes)
        return f"plugin {names}" if len(homes) == 1 else f"one of the plugins {names}"

    def describe(self) -> list[PluginInfo]:
        """Every registered plugin with its version, origin, implemented hooks and the keys
        of its options table (when it declares them)."""
        infos: dict[str, PluginInfo] = {}
        for name, plugin in self.pm.list_name_plugin():
            if plugin is None:  # blocked
                continue
            version = self._versions.get(name) or getattr(plugin, "__version__", None)
            keys = declared_options(plugin)
            options = None if keys is None else sorted(keys)
            infos[name] = PluginInfo(name, version, self._sources.get(name, "python"), [], options)
        for hook_name, names in self.hook_order().items():
            for name in names:
                infos[name].hooks.append(hook_name)
        return list(infos.values())
