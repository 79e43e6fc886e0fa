import pytest

from editor.tasks.registry import PluginLoadError, Registry


def test_installed_plugins_are_found_through_entry_points(fake_plugins):
    registry = Registry.discover()
    ids = [p.id for p in registry.plugins]
    assert {"fake", "broken", "denoise"} <= set(ids)
    fake = registry.get("fake")
    assert not fake.broken
    assert fake.manifest.params[0].name == "seconds"


def test_a_broken_plugin_is_listed_with_its_reason_and_others_still_work(fake_plugins):
    registry = Registry.discover()
    broken = registry.get("broken")
    assert broken.broken
    assert "plugin.toml" in broken.error
    assert broken not in registry.available
    with pytest.raises(PluginLoadError, match="broken"):
        broken.load_run()
    assert callable(registry.get("fake").load_run())


def test_unknown_plugin_lists_what_is_installed():
    with pytest.raises(KeyError, match="installed: .*denoise"):
        Registry.discover().get("nope")


def test_a_plugin_whose_code_fails_to_import_becomes_broken(fake_plugins):
    (fake_plugins / "lightbox_fake_plugin" / "task.py").write_text("import not_a_module\n")
    plugin = Registry.discover().get("fake")
    assert not plugin.broken  # listing reads the manifest only
    with pytest.raises(PluginLoadError, match="not_a_module"):
        plugin.load_run()
    assert plugin.broken
