"""Marketplace profiles: the bundled ones load with provenance on every rule, inheritance
works, and a broken or unknown profile is refused with a message naming what is wrong."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from plugins.compliance.profiles import (
    ProfileError,
    list_profiles,
    load_profile,
    parse_profile,
)

REQUIRED = ("amazon-main", "amazon-additional", "ebay", "etsy", "shopify", "walmart-main",
            "google-merchant", "zalando", "shopee")


def test_every_required_profile_is_bundled_and_loads() -> None:
    names = list_profiles()
    for name in REQUIRED:
        assert name in names
        profile = load_profile(name)
        assert profile.name == name and profile.rules


@pytest.mark.parametrize("name", REQUIRED)
def test_every_rule_says_where_it_comes_from(name: str) -> None:
    for rule in load_profile(name).rules.values():
        assert rule.severity in ("error", "warning", "info")
        assert rule.source, f"{name}.{rule.id} has no source"
        assert rule.verified in ("V1", "V2", "unverified"), f"{name}.{rule.id}"
        assert isinstance(rule.effective, dt.date), f"{name}.{rule.id} has no effective date"
        if rule.verified == "unverified":  # the research notes: warning at most
            assert rule.severity != "error", f"{name}.{rule.id} is unverified but an error"


def test_amazon_main_thresholds_follow_the_research_notes() -> None:
    rules = load_profile("amazon-main").rules
    assert rules["fill_ratio"].params == {"min": 0.85, "mode": "longest_side"}
    assert rules["min_size"].params["min_longest"] == 500
    assert rules["max_size"].params["max_longest"] == 10000
    assert load_profile("walmart-main").rules["file_size"].params["max_mb"] == 5


def test_additional_images_inherit_the_technical_rules_only() -> None:
    additional = load_profile("amazon-additional").rules
    main = load_profile("amazon-main").rules
    assert additional["max_size"] == main["max_size"]
    assert "background_white" not in additional and "text_overlay" not in additional
    assert additional["watermark"].severity == "warning"


def test_a_user_copy_can_inherit_and_override(tmp_path: Path) -> None:
    path = tmp_path / "my-shop.toml"
    path.write_text('inherits = "amazon-main"\n\n[rules.fill_ratio]\nmin = 0.7\n\n'
                    '[rules.blur]\nenabled = false\n', encoding="utf-8")
    profile = load_profile(str(path))
    assert profile.name == "my-shop"
    assert profile.rules["fill_ratio"].params["min"] == 0.7
    assert profile.rules["fill_ratio"].params["mode"] == "longest_side"  # inherited key
    assert profile.rules["fill_ratio"].source  # provenance inherited too
    assert "blur" not in profile.rules


def test_dated_thresholds_switch_on_their_effective_date() -> None:
    before = load_profile("google-merchant", today=dt.date(2026, 12, 1)).rules["min_size"]
    after = load_profile("google-merchant", today=dt.date(2027, 1, 31)).rules["min_size"]
    assert before.params["min_width"] == 100 and before.upcoming["min_width"] == 500
    assert after.params["min_width"] == 500 and not after.upcoming


def test_an_unknown_name_lists_the_available_profiles() -> None:
    with pytest.raises(ProfileError) as caught:
        load_profile("amazon-mian")
    message = str(caught.value)
    assert "amazon-mian" in message
    assert all(name in message for name in REQUIRED)


@pytest.mark.parametrize(("text", "line", "key"), [
    ('name = "x"\n\n[rules.fill_ratio]\nmin = "lots"\n', 4, "rules.fill_ratio.min"),
    ('name = "x"\n[rules.border]\nseverity = "error"\ncolour = 3\n', 4, "rules.border.colour"),
    ('name = "x"\n\n[rules.sparkle]\nseverity = "error"\n', 3, "rules.sparkle"),
    ('name = "x"\n[rules.blur]\nseverity = "fatal"\n', 3, "rules.blur.severity"),
    ('name = "x"\nrules = 3\nextra = 1\n', 3, "extra"),
])
def test_a_broken_profile_names_the_file_line_and_key(text: str, line: int, key: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile(text, Path("shop.toml"))
    message = str(caught.value)
    assert message.startswith("shop.toml: ")
    assert f"line {line}" in message and key in message


def test_a_toml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('name = "bad"\n[rules.blur\n', encoding="utf-8")
    with pytest.raises(ProfileError, match=r"bad\.toml.*line 2"):
        load_profile(str(path))


def test_a_profile_cannot_inherit_from_itself(tmp_path: Path) -> None:
    path = tmp_path / "loop.toml"
    path.write_text(f'inherits = "{path}"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="inherits"):
        load_profile(str(path))
