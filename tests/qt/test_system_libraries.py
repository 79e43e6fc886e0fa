"""A missing X11 library is named with the install command instead of Qt aborting."""

from editor.qt.system_libraries import XCB_LIBRARIES, missing_packages, startup_problem, uses_xcb


def test_every_missing_library_is_named_with_the_apt_command():
    missing = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}
    problem = startup_problem({"DISPLAY": ":0"}, loads=lambda name: name not in missing)
    assert problem is not None
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in problem


def test_nothing_is_said_when_everything_loads_or_qt_will_not_use_x11():
    assert startup_problem({"DISPLAY": ":0"}, loads=lambda name: True) is None
    assert startup_problem({"QT_QPA_PLATFORM": "offscreen"}, loads=lambda name: False) is None
    assert not uses_xcb({}, platform="darwin")
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"}, platform="linux")


def test_the_readme_lists_every_package_the_check_asks_for():
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert all(package in readme for package in XCB_LIBRARIES.values())
    assert missing_packages(lambda name: True) == []
