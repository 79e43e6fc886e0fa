"""The Background dock's controls: the backdrop (swatches, colours, gradient angle, image,
blur), the shadow (kind, light angle, distance, softness, opacity), harmonise, a preview
and Apply. It holds no document state: it says what the user set (:meth:`params`) and
shows the preview it is given; :mod:`editor.qt.features.background` does the work."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

#: swatches: marketplace white, then calm e-commerce colours
SWATCHES = ("#ffffff", "#f2f2f2", "#f3e9dc", "#dbe7f3", "#dfe9dc", "#f6e1e1", "#2b2b2b")
#: the backdrops whose colour the swatches and the first colour button set
COLOURED = ("colour", "gradient", "sweep")
PREVIEW_SIDE = 240


class _Slider(QWidget):
    """A horizontal slider over a float range with its value shown beside it."""

    moved = Signal(float)

    def __init__(self, lo: float, hi: float, value: float, step: float, fmt: str = "{:.2f}",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lo, self.step, self.fmt = lo, step, fmt
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, round((hi - lo) / step))
        self.label = QLabel()
        self.label.setMinimumWidth(40)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.slider, 1)
        row.addWidget(self.label)
        self.slider.valueChanged.connect(self._changed)
        self.set_value(value)
        self._changed(self.slider.value())

    def value(self) -> float:
        return self.lo + self.slider.value() * self.step

    def set_value(self, value: float) -> None:
        self.slider.setValue(round((value - self.lo) / self.step))

    def _changed(self, _: int) -> None:
        self.label.setText(self.fmt.format(self.value()))
        self.moved.emit(self.value())


class BackgroundPanel(QWidget):
    """Controls of the Background dock. ``changed`` fires on every edit (the feature
    debounces it into a preview); ``apply_requested`` when Apply is pressed."""

    changed = Signal()
    apply_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colours = ["#ffffff", ""]
        column = QVBoxLayout(self)

        self.kind = QComboBox()
        for value, text in (("white", self.tr("White")), ("colour", self.tr("Colour")),
                            ("gradient", self.tr("Gradient")), ("sweep", self.tr("Studio sweep")),
                            ("image", self.tr("Image")), ("blur", self.tr("Blurred photo")),
                            ("keep", self.tr("Keep the photo's"))):
            self.kind.addItem(text, value)
        self.kind.setToolTip(self.tr("The new backdrop behind the product"))
        backdrop = QGroupBox(self.tr("Backdrop"))
        form = QFormLayout(backdrop)
        form.addRow(self.tr("Kind"), self.kind)
        swatches = QWidget()
        row = QHBoxLayout(swatches)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        self.swatches: list[QToolButton] = []
        names = (self.tr("White"), self.tr("Light grey"), self.tr("Warm beige"),
                 self.tr("Soft blue"), self.tr("Sage"), self.tr("Blush"), self.tr("Charcoal"))
        for value, tip in zip(SWATCHES, names, strict=True):
            button = QToolButton()
            button.setFixedSize(22, 22)
            button.setStyleSheet(f"background-color: {value}; border: 1px solid #888;")
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, v=value: self.pick_swatch(v))
            row.addWidget(button)
            self.swatches.append(button)
        row.addStretch(1)
        form.addRow(self.tr("Swatches"), swatches)
        self.colour_button = QPushButton()
        self.colour_button.setToolTip(self.tr("The backdrop colour (the floor of a sweep, "
                                              "where a gradient starts)"))
        self.colour_button.clicked.connect(lambda: self._choose_colour(0))
        self.colour2_button = QPushButton()
        self.colour2_button.setToolTip(self.tr("Where a gradient ends; the wall of a sweep "
                                               "(empty: the first colour a little darker)"))
        self.colour2_button.clicked.connect(lambda: self._choose_colour(1))
        self.colour2_reset = QToolButton()
        self.colour2_reset.setText(self.tr("Auto"))
        self.colour2_reset.setToolTip(self.tr("Derive the second colour from the first"))
        self.colour2_reset.clicked.connect(lambda: self.set_colour("", 1))
        colour2_row = QWidget()
        c2row = QHBoxLayout(colour2_row)
        c2row.setContentsMargins(0, 0, 0, 0)
        c2row.addWidget(self.colour2_button, 1)
        c2row.addWidget(self.colour2_reset)
        self.angle = _Slider(-180, 180, 90, 5, "{:.0f}°")
        self.angle.setToolTip(self.tr("Direction of the gradient: 0° left to right, 90° "
                                      "bottom to top"))
        self.image_path = QLineEdit()
        self.image_path.setPlaceholderText(self.tr("A photo to put the product on"))
        self.image_button = QPushButton(self.tr("Choose…"))
        self.image_button.clicked.connect(self._choose_image)
        image_row = QWidget()
        irow = QHBoxLayout(image_row)
        irow.setContentsMargins(0, 0, 0, 0)
        irow.addWidget(self.image_path, 1)
        irow.addWidget(self.image_button)
        self.image_blur = _Slider(0, 40, 0, 1, "{:.0f} px")
        self.blur = _Slider(0, 20, 4, 0.5, "{:.1f}")
        self.blur.setToolTip(self.tr("How strongly the photo's own backdrop is blurred"))
        self._rows: dict[str, list[QWidget]] = {}
        for key, label, widget in (("colour", self.tr("Colour"), self.colour_button),
                                   ("colour2", self.tr("Second colour"), colour2_row),
                                   ("angle", self.tr("Angle"), self.angle),
                                   ("image", self.tr("Image"), image_row),
                                   ("image_blur", self.tr("Image blur"), self.image_blur),
                                   ("blur", self.tr("Blur"), self.blur)):
            title = QLabel(label)
            form.addRow(title, widget)
            self._rows[key] = [title, widget]
        column.addWidget(backdrop)

        shadow = QGroupBox(self.tr("Shadow"))
        sform = QFormLayout(shadow)
        self.shadow = QComboBox()
        for value, text in (("contact", self.tr("Contact")), ("drop", self.tr("Drop")),
                            ("reflection", self.tr("Reflection")),
                            ("photo", self.tr("From the photo")), ("none", self.tr("None"))):
            self.shadow.addItem(text, value)
        self.light_angle = _Slider(-180, 180, 135, 5, "{:.0f}°")
        self.light_angle.setToolTip(self.tr("Where the light comes from (90° above, 135° upper "
                                            "left); the shadow falls the other way"))
        self.distance = _Slider(0, 40, 5, 0.5, "{:.1f} %")
        self.softness = _Slider(0, 5, 1, 0.1, "{:.1f}")
        self.opacity = _Slider(0, 1, 0.6, 0.05)
        sform.addRow(self.tr("Kind"), self.shadow)
        for key, label, widget in (("light_angle", self.tr("Light angle"), self.light_angle),
                                   ("shadow_distance", self.tr("Distance"), self.distance)):
            title = QLabel(label)
            sform.addRow(title, widget)
            self._rows[key] = [title, widget]
        sform.addRow(self.tr("Softness"), self.softness)
        sform.addRow(self.tr("Opacity"), self.opacity)
        column.addWidget(shadow)

        product = QGroupBox(self.tr("Product"))
        pform = QFormLayout(product)
        self.harmonise = QCheckBox(self.tr("Harmonise with the scene"))
        self.harmonise.setChecked(True)
        self.harmonise.setToolTip(self.tr("Adjust the product's colour and light to image, "
                                          "blurred-photo and sweep backdrops (never on white, "
                                          "a colour or a gradient, where its true colour "
                                          "matters)"))
        self.strength = _Slider(0, 1, 0.7, 0.05)
        pform.addRow(self.harmonise)
        pform.addRow(self.tr("Strength"), self.strength)
        column.addWidget(product)

        self.preview = QLabel(self.tr("The preview appears here."))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(PREVIEW_SIDE // 2)
        self.preview.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column.addWidget(self.preview)
        self.status = QLabel()
        self.status.setWordWrap(True)
        column.addWidget(self.status)
        self.apply_button = QPushButton(self.tr("Apply"))
        self.apply_button.setToolTip(self.tr("Put the product on this backdrop at full size: "
                                             "new layers for the backdrop, the shadow and the "
                                             "product, in one undo step"))
        self.apply_button.clicked.connect(self.apply_requested)
        column.addWidget(self.apply_button)
        column.addStretch(1)

        for combo in (self.kind, self.shadow):
            combo.currentIndexChanged.connect(self._edited)
        for slider in (self.angle, self.image_blur, self.blur, self.light_angle, self.distance,
                       self.softness, self.opacity, self.strength):
            slider.moved.connect(self._edited)
        self.harmonise.toggled.connect(self._edited)
        self.image_path.editingFinished.connect(self._edited)
        self._show_colours()
        self._show_rows()

    # -- what the user set ------------------------------------------------------------------
    def params(self) -> dict[str, Any]:
        """The background plugin's params for the controls as they are now."""
        values: dict[str, Any] = {
            "background": self.kind.currentData(), "colour": self._colours[0],
            "colour2": self._colours[1], "angle": self.angle.value(),
            "image_blur": self.image_blur.value(), "blur": self.blur.value(),
            "shadow": self.shadow.currentData(), "light_angle": self.light_angle.value(),
            "shadow_distance": self.distance.value(),
            "shadow_softness": self.softness.value(), "shadow_opacity": self.opacity.value(),
            "harmonise": "auto" if self.harmonise.isChecked() else "off",
            "harmonise_strength": self.strength.value(),
        }
        path = self.image_path.text().strip()
        if path:
            values["image"] = path
        return values

    def set_kind(self, kind: str) -> None:
        self.kind.setCurrentIndex(self.kind.findData(kind))

    def set_colour(self, value: str, which: int = 0) -> None:
        """Set the first (0) or second (1) colour, ``#rrggbb`` ('' = derived)."""
        self._colours[which] = value
        self._show_colours()
        self._edited()

    def pick_swatch(self, value: str) -> None:
        """A swatch: the colour of a flat backdrop, or the first colour of a gradient or
        sweep."""
        if self.kind.currentData() not in COLOURED:
            self.kind.blockSignals(True)
            self.set_kind("colour" if value != "#ffffff" else "white")
            self.kind.blockSignals(False)
            self._show_rows()
        self.set_colour(value)

    # -- shown state ------------------------------------------------------------------------
    def show_preview(self, image: QImage | None) -> None:
        if image is None:
            self.preview.setPixmap(QPixmap())
            return
        pixmap = QPixmap.fromImage(image)
        self.preview.setPixmap(pixmap.scaled(PREVIEW_SIDE, PREVIEW_SIDE,
                                             Qt.AspectRatioMode.KeepAspectRatio,
                                             Qt.TransformationMode.SmoothTransformation))

    def show_status(self, text: str) -> None:
        self.status.setText(text)

    def set_applying(self, busy: bool) -> None:
        self.apply_button.setEnabled(not busy)
        self.apply_button.setText(self.tr("Applying…") if busy else self.tr("Apply"))

    # -- internals ----------------------------------------------------------------------------
    def _edited(self, *_: Any) -> None:
        self._show_rows()
        self.changed.emit()

    def _show_rows(self) -> None:
        kind = self.kind.currentData()
        shadow = self.shadow.currentData()
        shown = {"colour": kind in COLOURED, "colour2": kind in ("gradient", "sweep"),
                 "angle": kind == "gradient", "image": kind == "image",
                 "image_blur": kind == "image", "blur": kind == "blur",
                 "light_angle": shadow == "drop", "shadow_distance": shadow == "drop"}
        for key, widgets in self._rows.items():
            for widget in widgets:
                widget.setVisible(shown[key])

    def _show_colours(self) -> None:
        for button, value in ((self.colour_button, self._colours[0]),
                              (self.colour2_button, self._colours[1])):
            if value:
                button.setText(value)
                button.setStyleSheet(f"background-color: {value}; color: "
                                     f"{'#000' if QColor(value).lightness() > 128 else '#fff'};")
            else:
                button.setText(self.tr("Automatic"))
                button.setStyleSheet("")

    def _choose_colour(self, which: int) -> None:
        start = QColor(self._colours[which] or self._colours[0])
        colour = QColorDialog.getColor(start, self, self.tr("Backdrop Colour"))
        if colour.isValid():
            self.set_colour(colour.name(), which)

    def _choose_image(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, self.tr("Backdrop Image"), "",
            self.tr("Images (*.png *.jpg *.jpeg *.webp *.tif *.tiff *.bmp)"))
        if name:
            self.image_path.setText(name)
            self.set_kind("image")
            self._edited()
