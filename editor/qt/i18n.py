"""The editor's language: English or Simplified Chinese.

The language follows the system locale unless the user chose one in Preferences (stored
in settings as ``ui/language``: ``system``, ``en`` or ``zh_CN``); a change applies at the
next start. The command line stays English.

Qt strings come from ``resources/i18n/lightbox_<lang>.qm`` (built by ``make`` with
``pyside6-lrelease`` from the ``.ts`` kept in the repository), plus Qt's own catalogue for
its standard dialogs. A second translator matches by English text alone, read from the
``.ts``: it catches calls whose context Qt cannot know statically and keeps the editor
translated where ``pyside6-lrelease`` was missing. Plugin names, parameter labels and help
(which live in each plugin's ``plugin.toml``) are translated from
``resources/i18n/plugins_<lang>.toml``, keyed by plugin id and parameter name.
"""

from __future__ import annotations

import dataclasses
import logging
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from editor.paths import RESOURCES
from editor.tasks.manifest import Manifest, ParamSpec
from editor.tasks.registry import Registry

I18N = RESOURCES / "i18n"
LANGUAGE_KEY = "ui/language"
#: language code -> its own name, as the Preferences dialog lists it
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
log = logging.getLogger(__name__)


def chosen_language() -> str:
    """What the user chose in Preferences: ``system`` (the default), ``en`` or ``zh_CN``."""
    from editor.qt.actions import settings

    value = str(settings().value(LANGUAGE_KEY, "system") or "system")
    return value if value in LANGUAGES or value == "system" else "system"


def set_chosen_language(value: str) -> None:
    from editor.qt.actions import settings

    settings().setValue(LANGUAGE_KEY, value)


def resolve(choice: str, locale: QLocale | None = None) -> str:
    """The language to show for ``choice``: ``system`` becomes the system locale's
    language when Lightbox has it (any Chinese locale gets Simplified Chinese), else
    English."""
    if choice in LANGUAGES:
        return choice
    name = (locale or QLocale.system()).name()
    return "zh_CN" if name.startswith("zh") else "en"


class SourceTextTranslator(QTranslator):
    """Translations looked up by English text alone (whatever the context)."""

    def __init__(self, table: dict[str, str], parent: Any = None) -> None:
        super().__init__(parent)
        self.table = table

    def translate(self, context: str, source: str, disambiguation: str | None = None,  # noqa: D102
                  n: int = -1) -> str:
        return self.table.get(source, "")

    def isEmpty(self) -> bool:  # noqa: N802 - Qt API
        return not self.table


def read_catalogue(ts: Path) -> dict[str, str]:
    """English text -> finished translation, from a ``.ts`` file (empty if unreadable)."""
    try:
        root = ET.parse(ts).getroot()
    except (OSError, ET.ParseError) as exc:
        log.warning("cannot read %s: %s", ts, exc)
        return {}
    table = {}
    for message in root.iter("message"):
        translation = message.find("translation")
        if translation is None or translation.get("type"):  # unfinished or vanished
            continue
        text = translation.findtext("numerusform") or translation.text or ""
        source = message.findtext("source") or ""
        if source and text:
            table.setdefault(source, text)
    return table


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the translators for ``language`` on ``app``; returns them (kept alive by
    their parent, the app). English installs none."""
    if language == "en":
        return []
    installed: list[QTranslator] = []
    # installed first = asked last: the by-text fallback, then Qt's own, then ours
    fallback = SourceTextTranslator(read_catalogue(I18N / f"lightbox_{language}.ts"), app)
    qt_own = QTranslator(app)
    ours = QTranslator(app)
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for translator, loaded in (
        (fallback, not fallback.isEmpty()),
        (qt_own, qt_own.load(f"qtbase_{language}", qt_dir)),
        (ours, ours.load(str(I18N / f"lightbox_{language}.qm"))),
    ):
        if loaded:
            app.installTranslator(translator)
            installed.append(translator)
    if not installed:
        log.warning("no %s translation found in %s; the editor stays English", language, I18N)
    return installed


# -- plugin manifests -----------------------------------------------------------------------
def plugin_catalogue(language: str) -> dict[str, Any]:
    """``plugins_<language>.toml``: {plugin id: {name, description, params: {param: {label,
    help}}, training: {param: {...}}}} (empty when there is none)."""
    path = I18N / f"plugins_{language}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        log.warning("cannot read %s: %s", path, exc)
        return {}


def translate_manifest(manifest: Manifest, entry: dict[str, Any]) -> Manifest:
    """``manifest`` with its user-visible texts replaced by ``entry``'s (ids, param names,
    values and choices stay as they are: they are what recipes and the CLI use)."""
    changes: dict[str, Any] = {}
    for key in ("name", "description"):
        if isinstance(entry.get(key), str) and entry[key]:
            changes[key] = entry[key]
    changes["params"] = _translate_params(manifest.params, entry.get("params", {}))
    if manifest.training is not None:
        changes["training"] = dataclasses.replace(
            manifest.training,
            params=_translate_params(manifest.training.params, entry.get("training", {})))
    return dataclasses.replace(manifest, **changes)


def translate_registry(registry: Registry, language: str) -> Registry:
    """Translate, in place, the manifests of ``registry``'s plugins for ``language``."""
    catalogue = plugin_catalogue(language) if language != "en" else {}
    for info in registry.plugins:
        entry = catalogue.get(info.id)
        if info.manifest is not None and isinstance(entry, dict):
            info.manifest = translate_manifest(info.manifest, entry)
    return registry


def _translate_params(params: tuple[ParamSpec, ...], table: Any) -> tuple[ParamSpec, ...]:
    if not isinstance(table, dict):
        return params
    out = []
    for spec in params:
        texts = table.get(spec.name)
        if isinstance(texts, dict):
            spec = dataclasses.replace(
                spec, label=str(texts.get("label") or spec.label),
                help=str(texts.get("help") or spec.help))
        out.append(spec)
    return tuple(out)
