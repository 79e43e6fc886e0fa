"""Porter-Duff over on straight alpha."""


from editor.imaging.composite import over, solid


def test_opaque_top_wins_transparent_top_shows_the_bottom_half_alpha_mixes():
    bottom = solid(2, 3, (0, 0, 255))
    top = solid(2, 3, (255, 0, 0), alpha=0)
    top[0, 0, 3] = 255
    top[0, 1, 3] = 128
    out = over(top, bottom)
    assert tuple(out[0, 0]) == (255, 0, 0, 255)
    assert tuple(out[1, 2]) == (0, 0, 255, 255)
    assert abs(int(out[0, 1, 0]) - 128) <= 1 and abs(int(out[0, 1, 2]) - 127) <= 1


def test_over_a_transparent_bottom_keeps_the_top():
    top = solid(1, 1, (10, 20, 30), alpha=100)
    out = over(top, solid(1, 1, (0, 0, 0), alpha=0))
    assert tuple(out[0, 0]) == (10, 20, 30, 100)
