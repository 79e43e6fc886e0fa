from pathlib import Path

import pytest

from editor.tasks.manifest import ManifestError, ParamError, load_manifest

GOOD = """
id = "demo"
name = "Demo"
version = "1.2"
entry = "demo.task:run"
[capabilities]
uses_mask = true
[[params]]
name = "radius"
type = "int"
default = 3
min = 1
max = 10
[[params]]
name = "mode"
type = "choice"
choices = ["fast", "best"]
default = "fast"
[[params]]
name = "sigma"
type = "float"
optional = true
min = 0
max = 100
[[params]]
name = "keep"
type = "bool"
default = true
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plugin.toml"
    path.write_text(text)
    return path


def test_a_manifest_gives_defaults_and_capabilities(tmp_path):
    m = load_manifest(write(tmp_path, GOOD))
    assert (m.id, m.name, m.version) == ("demo", "Demo", "1.2")
    assert m.has("uses_mask") and not m.has("trainable")
    assert m.defaults() == {"radius": 3, "mode": "fast", "sigma": None, "keep": True}


def test_command_line_values_are_parsed_to_their_types(tmp_path):
    m = load_manifest(write(tmp_path, GOOD))
    values = m.parse_cli(["radius=7", "mode=best", "sigma=12.5", "keep=no"])
    assert values == {"radius": 7, "mode": "best", "sigma": 12.5, "keep": False}


@pytest.mark.parametrize(
    ("pair", "needle"),
    [
        ("radius=0", "below the minimum"),
        ("radius=11", "above the maximum"),
        ("radius=2.5", "not a valid int"),
        ("mode=slow", "not one of fast, best"),
        ("keep=maybe", "not a valid bool"),
        ("colour=red", "no parameter 'colour'"),
        ("radius", "expected key=value"),
        ("sigma=nan", "finite"),
    ],
)
def test_bad_values_are_refused_with_the_reason(tmp_path, pair, needle):
    m = load_manifest(write(tmp_path, GOOD))
    with pytest.raises(ParamError, match=needle):
        m.parse_cli([pair])


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('name = "x"\nversion = "1"\nentry = "a:b"\n', "'id'"),
        ('id="x"\nname="x"\nversion="1"\nentry="nocolon"\n', "package.module:function"),
        ('id="x"\nname="x"\nversion="1"\nentry="a:b"\n[[params]]\nname="p"\ntype="colour"\n',
         "type must be one of"),
        ('id="x"\nname="x"\nversion="1"\nentry="a:b"\n[[params]]\nname="p"\ntype="int"\n'
         'default=50\nmax=10\n', "above the maximum"),
        ("this is [not toml", "plugin.toml"),
    ],
)
def test_broken_manifests_name_the_file_and_problem(tmp_path, text, needle):
    with pytest.raises(ManifestError) as info:
        load_manifest(write(tmp_path, text))
    assert "plugin.toml" in str(info.value)
    assert needle in str(info.value)
